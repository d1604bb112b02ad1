import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StartupError } from '../errors';
import { type Study, studySchema } from './study-definition';

export class StudyConfigError extends StartupError {}

export interface CompletionDefaults {
  code?: string;
  url?: string;
}

export interface LoadedStudy extends Study {
  completionCode: string;
  completionUrl: string;
  /** Where a participant screened out by an attention check goes (with screenOutCode). */
  screenOutUrl: string | undefined;
  participantIdRegex: RegExp;
}

const prolificUrl = (code: string) => `https://app.prolific.com/submissions/complete?cc=${encodeURIComponent(code)}`;

/** The studies in `dir` (YAML or JSON), validated at start; a bad file stops start-up naming the file and field. */
export class StudyCatalog {
  private constructor(private readonly studies: Map<string, LoadedStudy>) {}

  static empty(): StudyCatalog {
    return new StudyCatalog(new Map());
  }

  static load(dir: string, defaults: CompletionDefaults): StudyCatalog {
    const studies = new Map<string, LoadedStudy>();
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
      .map((e) => path.join(dir, e.name))
      .sort();
    for (const file of files) {
      let raw: unknown;
      try {
        const text = readFileSync(file, 'utf8');
        raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      } catch (error) {
        throw new StudyConfigError(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
      }
      const parsed = studySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new StudyConfigError(`${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`);
      }
      const study = parsed.data;
      if (studies.has(study.slug))
        throw new StudyConfigError(`${file}: slug ${study.slug} is used by another study file`);
      const completionCode = study.completionCode ?? defaults.code;
      if (!completionCode) throw new StudyConfigError(`${file}: completionCode: required (or set PROLIFIC_CODE)`);
      const completionUrl = study.completionUrl ?? defaults.url ?? prolificUrl(completionCode);
      const screenOutUrl = study.screenOutUrl ?? (study.screenOutCode ? prolificUrl(study.screenOutCode) : undefined);
      const participantIdRegex = new RegExp(study.participantIdPattern);
      studies.set(study.slug, { ...study, completionCode, completionUrl, screenOutUrl, participantIdRegex });
    }
    return new StudyCatalog(studies);
  }

  get(slug: string): LoadedStudy | undefined {
    return this.studies.get(slug);
  }

  all(): LoadedStudy[] {
    return [...this.studies.values()];
  }
}
