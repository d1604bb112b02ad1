import type { Db } from '../db/client';
import type { Participation, Prisma } from '../generated/prisma/client';
import { chooseCondition } from './assignment';
import { refusalFor, type Tx, withLockedParticipation } from './participation-lock';
import { refuse } from './participation-rules';
import type { LoadedStudy } from './study-catalog';

/**
 * The places taken: completed participants, and consented ones still within their time. Returned, timed-out,
 * screened-out and declined participants free their place; so does one past its time not yet marked.
 */
function placesTaken(study: LoadedStudy, now: Date): Prisma.ParticipationWhereInput {
  const within = study.timeLimitMinutes
    ? { consentedAt: { gt: new Date(now.getTime() - (study.timeLimitMinutes + study.graceMinutes) * 60_000) } }
    : {};
  return { studySlug: study.slug, preview: false, OR: [{ status: 'COMPLETED' }, { status: 'STARTED', ...within }] };
}

async function assign(tx: Tx, study: LoadedStudy, p: Participation): Promise<Participation> {
  const now = new Date();
  if (study.maxParticipants !== undefined) {
    const taken = await tx.participation.count({ where: placesTaken(study, now) });
    if (taken >= study.maxParticipants) throw refuse('STUDY_FULL');
  }
  const groups = await tx.participation.groupBy({
    by: ['condition'],
    where: { studySlug: study.slug, preview: false, condition: { not: null } },
    _count: { _all: true },
  });
  const counts = new Map(groups.map((g) => [g.condition ?? '', g._count._all]));
  const condition = chooseCondition(study.conditions, counts);
  return tx.participation.update({
    where: { id: p.id },
    data: {
      status: 'STARTED',
      condition: condition.name,
      taskOrder: condition.taskOrder ?? study.tasks.map((t) => t.id),
      consentedAt: now,
    },
  });
}

/**
 * Consent starts the participation: the condition furthest below its weighted share is assigned and the
 * clock starts. Consents to one study are serialised by an advisory lock, so places and shares are counted
 * exactly. Consenting again changes nothing.
 */
export function giveConsent(db: Db, study: LoadedStudy, participationId: string): Promise<Participation> {
  return withLockedParticipation(
    db,
    participationId,
    async (tx, p) => {
      if (p.status === 'OPENED') return assign(tx, study, p);
      return (await refusalFor(tx, study, p)) ?? p;
    },
    { studyLock: study.slug },
  );
}

/** Declining is recorded (DECLINED) and ends the participation; declining again changes nothing. */
export function declineConsent(db: Db, study: LoadedStudy, participationId: string): Promise<Participation> {
  return withLockedParticipation(db, participationId, async (tx, p) => {
    if (p.status === 'DECLINED') return p;
    if (p.status === 'OPENED')
      return tx.participation.update({ where: { id: p.id }, data: { status: 'DECLINED', completedAt: new Date() } });
    return (await refusalFor(tx, study, p)) ?? refuse('ALREADY_CONSENTED');
  });
}
