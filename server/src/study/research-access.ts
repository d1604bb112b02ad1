import { type Context, requireRole, type Viewer } from '../context';
import { notFound } from '../errors';
import type { LoadedStudy } from './study-catalog';

/** Whether this researcher may see the study: any RESEARCHER, unless the study file names its researchers. */
export function mayResearch(viewer: Viewer, study: LoadedStudy): boolean {
  if (!study.researchers) return true;
  const name = viewer.username.toLowerCase();
  return study.researchers.some((r) => r.toLowerCase() === name);
}

/**
 * The study a RESEARCHER asks for, if they may see it. A study of another research group answers NOT_FOUND,
 * exactly as one that does not exist: its slug is not given away.
 */
export function researchStudy(ctx: Context, slug: string): LoadedStudy {
  const viewer = requireRole(ctx, 'RESEARCHER');
  const study = ctx.services.studies.catalog.get(slug);
  if (!study || !mayResearch(viewer, study)) throw notFound(`There is no study ${slug}.`);
  return study;
}

/** The studies this RESEARCHER may see. */
export function researchStudies(ctx: Context): LoadedStudy[] {
  const viewer = requireRole(ctx, 'RESEARCHER');
  return ctx.services.studies.catalog.all().filter((study) => mayResearch(viewer, study));
}
