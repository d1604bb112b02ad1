import { AppError } from '../errors';
import type { Participation } from '../generated/prisma/client';
import type { LoadedStudy } from './study-catalog';

/** extensions.reason of a FORBIDDEN participant call. */
export type Refusal =
  | 'NOT_CONSENTED'
  | 'ALREADY_CONSENTED'
  | 'DECLINED'
  | 'FINISHED'
  | 'WITHDRAWN'
  | 'TIMED_OUT'
  | 'SCREENED_OUT'
  | 'TASKS_INCOMPLETE'
  | 'TASK_LOCKED'
  | 'STARTED_ELSEWHERE'
  | 'STUDY_FULL'
  | 'WRONG_STUDY';

const MESSAGES: Record<Refusal, string> = {
  NOT_CONSENTED: 'Please agree to the consent text first.',
  ALREADY_CONSENTED: 'You have already agreed to take part; you can stop taking part instead.',
  DECLINED: 'You did not agree to take part, so nothing more can be recorded.',
  FINISHED: 'You have completed this study; nothing more can be changed.',
  WITHDRAWN: 'You have stopped taking part in this study; nothing more can be recorded.',
  TIMED_OUT: 'The time for this study is over; nothing more can be recorded.',
  SCREENED_OUT: 'Your participation has ended; nothing more can be recorded.',
  TASKS_INCOMPLETE: 'Please finish every task first.',
  TASK_LOCKED: 'This task is done; its answers can no longer be changed.',
  STARTED_ELSEWHERE: 'You already started this study in another browser. Please continue there.',
  STUDY_FULL: 'This study has no places left.',
  WRONG_STUDY: 'This link does not belong to this study. Please open the study from Prolific.',
};

export const refuse = (reason: Refusal, extra: Record<string, unknown> = {}) =>
  new AppError('FORBIDDEN', MESSAGES[reason], { reason, ...extra });

/** When the time limit ends (from consent); null without a time limit or before consent. */
export function deadlineOf(study: LoadedStudy, p: Pick<Participation, 'consentedAt'>): Date | null {
  if (!study.timeLimitMinutes || !p.consentedAt) return null;
  return new Date(p.consentedAt.getTime() + study.timeLimitMinutes * 60_000);
}

/** The last moment a participant may act: the deadline plus the study's grace. */
export function cutoffOf(study: LoadedStudy, p: Pick<Participation, 'consentedAt'>): Date | null {
  const deadline = deadlineOf(study, p);
  return deadline && new Date(deadline.getTime() + study.graceMinutes * 60_000);
}

/** Why this participation may not act now, or null while it is consented, unfinished and within its time. */
export function inactiveReason(study: LoadedStudy, p: Participation, now = new Date()): Refusal | null {
  switch (p.status) {
    case 'OPENED':
      return 'NOT_CONSENTED';
    case 'DECLINED':
      return 'DECLINED';
    case 'COMPLETED':
      return 'FINISHED';
    case 'RETURNED':
      return 'WITHDRAWN';
    case 'TIMED_OUT':
      return 'TIMED_OUT';
    case 'SCREENED_OUT':
      return 'SCREENED_OUT';
    case 'STARTED': {
      const cutoff = cutoffOf(study, p);
      return cutoff && now.getTime() > cutoff.getTime() ? 'TIMED_OUT' : null;
    }
  }
}

/** Whether a STARTED participation's time is over (it is then to be marked TIMED_OUT). */
export const isOverdue = (study: LoadedStudy, p: Participation, now = new Date()) =>
  p.status === 'STARTED' && inactiveReason(study, p, now) === 'TIMED_OUT';
