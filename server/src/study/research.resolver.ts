import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { exportRows, formatRows } from './export';
import { prolificReviewCsv } from './prolific-review';
import { researchStudies, researchStudy } from './research-access';
import { studyStats } from './stats';
import { studyCharts } from './study-charts';
import { StudyCharts } from './study-charts.type';
import { ExportFormat, StudySummary } from './study-io.type';

const includePreviewsArg = {
  defaultValue: false,
  description: 'Count researchers’ preview runs too (left out by default).',
};

@Resolver()
export class ResearchResolver {
  @Query(() => [StudySummary], {
    description:
      'RESEARCHER only: the studies I may see (a study file may name its researchers), with arrivals and participants by condition and outcome.',
  })
  async studies(
    @Arg('includePreviews', () => Boolean, includePreviewsArg) includePreviews: boolean,
    @Ctx() ctx: Context,
  ): Promise<StudySummary[]> {
    const { db } = ctx.services;
    return Promise.all(
      researchStudies(ctx).map(async (study) => ({
        slug: study.slug,
        title: study.title,
        tokenBudget: study.tokenBudget ?? null,
        ...(await studyStats(db, study, includePreviews)),
      })),
    );
  }

  @Query(() => String, {
    description: 'RESEARCHER only: the data as CSV or JSONL: a row per participant and a row per chat turn.',
  })
  async studyExport(
    @Arg('slug', () => String) slug: string,
    @Arg('format', () => ExportFormat, { defaultValue: ExportFormat.CSV }) format: ExportFormat,
    @Arg('includePreviews', () => Boolean, includePreviewsArg) includePreviews: boolean,
    @Ctx() ctx: Context,
  ) {
    const study = researchStudy(ctx, slug);
    return formatRows(await exportRows(ctx.services.db, study, includePreviews), format);
  }

  @Query(() => StudyCharts, { description: 'RESEARCHER only: the workbench charts’ numbers, counted on the server.' })
  studyCharts(
    @Arg('slug', () => String) slug: string,
    @Arg('includePreviews', () => Boolean, includePreviewsArg) includePreviews: boolean,
    @Ctx() ctx: Context,
  ) {
    return studyCharts(ctx.services.db, researchStudy(ctx, slug), includePreviews);
  }

  @Query(() => String, {
    description:
      'RESEARCHER only: the Prolific review list as CSV: participant_id, status, decision (APPROVE, REJECT or NONE), reason, and bonus when the study file has a bonus rule. Never includes previews.',
  })
  prolificReview(@Arg('slug', () => String) slug: string, @Ctx() ctx: Context) {
    return prolificReviewCsv(ctx.services.db, researchStudy(ctx, slug));
  }
}
