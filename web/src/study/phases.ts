import type { StudyInfoQuery } from '../gql/graphql';
import type { EndKind } from './Notices';
import type { Participation } from './TaskPage';

export type Info = StudyInfoQuery['studyInfo'];

export type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'missing' }
  | { kind: 'ask'; info: Info; problem: string | null }
  | { kind: 'refused'; info: Info }
  | { kind: 'already'; info: Info; code: string | null; url: string | null }
  | { kind: 'active'; info: Info; participation: Participation }
  | { kind: 'ended'; info: Info; why: EndKind }
  | { kind: 'screenedOut'; info: Info; code: string | null; url: string | null }
  | { kind: 'done'; info: Info; code: string | null; url: string | null };

/** The page for a participation as the server reports it. */
export function phaseFor(info: Info, participation: Participation): Phase {
  switch (participation.status) {
    case 'COMPLETED':
      return {
        kind: 'already',
        info,
        code: participation.completionCode ?? null,
        url: participation.completionUrl ?? null,
      };
    case 'SCREENED_OUT':
      return {
        kind: 'screenedOut',
        info,
        code: participation.completionCode ?? null,
        url: participation.completionUrl ?? null,
      };
    case 'RETURNED':
      return { kind: 'ended', info, why: 'withdrawn' };
    case 'DECLINED':
      return { kind: 'ended', info, why: 'declined' };
    case 'TIMED_OUT':
      return { kind: 'ended', info, why: 'timedOut' };
    default:
      return { kind: 'active', info, participation };
  }
}

/** The page for a refusal the server gave with a reason, if it has one. */
export function endFor(reason: string | undefined): EndKind | null {
  switch (reason) {
    case 'STARTED_ELSEWHERE':
      return 'elsewhere';
    case 'STUDY_FULL':
      return 'full';
    case 'WRONG_STUDY':
      return 'wrongStudy';
    case 'TIMED_OUT':
      return 'timedOut';
    case 'DECLINED':
      return 'declined';
    case 'WITHDRAWN':
      return 'withdrawn';
    default:
      return null;
  }
}
