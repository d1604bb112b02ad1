import type { Db } from '../db/client';
import { AppError, unauthenticated } from '../errors';
import type { Participation, Prisma } from '../generated/prisma/client';
import { cutoffOf, inactiveReason, refuse } from './participation-rules';
import type { LoadedStudy } from './study-catalog';

export type Tx = Prisma.TransactionClient;

/**
 * Runs `work` in one transaction on the participation's locked row. `work` may return an error instead of
 * throwing it: what it wrote (a participation marked timed out, a failed attention check) is committed, and
 * the error is thrown after the commit.
 */
export async function withLockedParticipation<T>(
  db: Db,
  participationId: string,
  work: (tx: Tx, p: Participation) => Promise<T | AppError>,
  { studyLock }: { studyLock?: string } = {},
): Promise<T> {
  const result = await db
    .$transaction(async (tx) => {
      // Consents to one study are serialised (places, balanced assignment); the study lock comes first.
      if (studyLock) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`study:${studyLock}`}))`;
      const rows = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM "Participation" WHERE id = ${participationId}::uuid FOR UPDATE`;
      if (!rows.length) throw unauthenticated('This participation no longer exists.');
      const p = await tx.participation.findUniqueOrThrow({ where: { id: participationId } });
      return work(tx, p);
    })
    .catch((error: unknown) => {
      // P2028: no connection in time, or the transaction outlived its timeout (a burst on one study).
      if ((error as { code?: unknown })?.code === 'P2028')
        throw new AppError('SERVICE_UNAVAILABLE', 'The study is busy. Please try again in a moment.', {
          reason: 'BUSY',
        });
      throw error;
    });
  if (result instanceof AppError) throw result;
  return result;
}

/** The refusal for a participation that may not act now, or null; an overdue one is marked TIMED_OUT. */
export async function refusalFor(tx: Tx | Db, study: LoadedStudy, p: Participation): Promise<AppError | null> {
  const reason = inactiveReason(study, p);
  if (!reason) return null;
  if (reason === 'TIMED_OUT' && p.status === 'STARTED') await markTimedOut(tx, study, p);
  return refuse(reason);
}

/** Ends an overdue participation at its cutoff; a no-op once it has ended otherwise. */
export async function markTimedOut(tx: Tx | Db, study: LoadedStudy, p: Participation): Promise<void> {
  await tx.participation.updateMany({
    where: { id: p.id, status: 'STARTED' },
    data: { status: 'TIMED_OUT', completedAt: cutoffOf(study, p) ?? new Date() },
  });
}
