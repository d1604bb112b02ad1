import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { type Context, requireRole } from '../context';
import { exportRows, formatRows } from './export';
import { studyStats } from './stats';
import { ExportFormat, StudySummary } from './study-io.type';

@Resolver()
export class ResearchResolver {
  @Query(() => [StudySummary], {
    description: 'RESEARCHER only: every study with its arrivals, and participants by condition and outcome.',
  })
  async studies(@Ctx() ctx: Context): Promise<StudySummary[]> {
    requireRole(ctx, 'RESEARCHER');
    const { studies, db } = ctx.services;
    return Promise.all(
      studies.catalog
        .all()
        .map(async (study) => ({ slug: study.slug, title: study.title, ...(await studyStats(db, study)) })),
    );
  }

  @Query(() => String, {
    description: 'RESEARCHER only: the data as CSV or JSONL: a row per participant and a row per chat turn.',
  })
  async studyExport(
    @Arg('slug', () => String) slug: string,
    @Arg('format', () => ExportFormat, { defaultValue: ExportFormat.CSV }) format: ExportFormat,
    @Ctx() ctx: Context,
  ) {
    requireRole(ctx, 'RESEARCHER');
    return formatRows(await exportRows(ctx.services.db, ctx.services.studies.study(slug)), format);
  }
}
