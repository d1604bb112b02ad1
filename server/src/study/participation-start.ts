import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/client';
import { badInput } from '../errors';
import type { Participation } from '../generated/prisma/client';
import { markTimedOut } from './participation-lock';
import { isOverdue, refuse } from './participation-rules';
import type { LoadedStudy } from './study-catalog';

export interface StartInput {
  studySlug: string;
  participantId: string;
  prolificStudyId?: string | null;
  sessionId?: string | null;
  /** A random string the browser keeps: the same browser resumes, another one does not. */
  resumeSecret?: string | null;
}

const OPTIONAL_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SECRET = /^[A-Za-z0-9_-]{16,256}$/;
const MAX_PARTICIPANT_ID = 128;
const PROLIFIC_PATTERN = '^[0-9a-f]{24}$';

export function parseParticipantId(study: LoadedStudy, value: string): string {
  const id = value.trim();
  // The length cap comes first: the pattern is the operator's, the input is anyone's.
  if (id.length > MAX_PARTICIPANT_ID || !study.participantIdRegex.test(id)) {
    throw badInput(
      study.participantIdPattern === PROLIFIC_PATTERN
        ? 'A Prolific ID is 24 characters: the digits 0 to 9 and the letters a to f.'
        : 'This participant id does not have the form this study expects.',
      'participantId',
    );
  }
  return id;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function sameSecret(storedHash: string | null, hash: string | null): boolean {
  if (!storedHash || !hash) return false;
  return timingSafeEqual(Buffer.from(storedHash), Buffer.from(hash));
}

/**
 * Opens (or resumes) a participation: OPENED, with no condition until consent. A returning participant
 * resumes only with the resume secret of the browser that opened it, unless the study allows other devices.
 * The insert is idempotent (skipDuplicates on the unique key), so concurrent arrivals with one id share a row.
 */
export async function openParticipation(db: Db, study: LoadedStudy, input: StartInput): Promise<Participation> {
  const participantId = parseParticipantId(study, input.participantId);
  for (const [field, value] of [
    ['prolificStudyId', input.prolificStudyId],
    ['sessionId', input.sessionId],
  ] as const) {
    if (value && !OPTIONAL_ID.test(value)) throw badInput(`${field} is malformed.`, field);
  }
  if (input.resumeSecret && !SECRET.test(input.resumeSecret))
    throw badInput('resumeSecret must be 16 to 256 letters, digits, _ or -.', 'resumeSecret');
  if (study.prolificStudyId && input.prolificStudyId !== study.prolificStudyId) throw refuse('WRONG_STUDY');
  const secretHash = input.resumeSecret ? hashSecret(input.resumeSecret) : null;
  const key = { studySlug: study.slug, participantId };
  const { count } = await db.participation.createMany({
    data: [
      {
        ...key,
        prolificStudyId: input.prolificStudyId || null,
        sessionId: input.sessionId || null,
        resumeSecretHash: secretHash,
      },
    ],
    skipDuplicates: true,
  });
  const p = await db.participation.findUniqueOrThrow({ where: { studySlug_participantId: key } });
  if (count === 0 && !study.allowResumeOnOtherDevice && !sameSecret(p.resumeSecretHash, secretHash))
    throw refuse('STARTED_ELSEWHERE');
  return settle(db, study, p);
}

/** The participation as it stands now: one past its time is marked (and returned) TIMED_OUT. */
export async function settle(db: Db, study: LoadedStudy, p: Participation): Promise<Participation> {
  if (!isOverdue(study, p)) return p;
  await markTimedOut(db, study, p);
  return db.participation.findUniqueOrThrow({ where: { id: p.id } });
}
