import type { Db } from '../db/client';
import { AppError } from '../errors';
import type { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

export interface Reservation {
  jobId: string;
  studySlug: string;
  participationId: string;
  tokens: number;
}

/**
 * Reserves a call's tokens (its maxTokens and its estimated prompt) against its study's budget, in the
 * caller's transaction. Calls of one study are serialised by an advisory lock, and a call is accepted while
 * anything is left: the budget is exceeded by at most the one call that took the last of it.
 */
export async function reserveTokens(tx: Tx, budget: number | undefined, reservation: Reservation): Promise<void> {
  if (budget !== undefined) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`token-budget:${reservation.studySlug}`}))`;
    const [row] = await tx.$queryRaw<{ spent: bigint }[]>`
      SELECT COALESCE(SUM(COALESCE(used, reserved)), 0)::bigint AS spent
      FROM "StudyTokenUse" WHERE "studySlug" = ${reservation.studySlug}`;
    if (Number(row?.spent ?? 0) >= budget) {
      throw new AppError('FORBIDDEN', 'The model chat of this study has used its budget.', {
        reason: 'BUDGET_EXHAUSTED',
      });
    }
  }
  await tx.studyTokenUse.create({
    data: {
      jobId: reservation.jobId,
      studySlug: reservation.studySlug,
      participationId: reservation.participationId,
      reserved: reservation.tokens,
    },
  });
}

/** What a call's prompt will be, before it is sent. */
export interface PromptSize {
  bytes: number;
  messages: number;
  images: number;
}

/**
 * A generous guess of a call's prompt tokens (about 3 bytes of UTF-8 a token, a few per message, a
 * 512-pixel image's worth per image), so that a reservation covers the whole call and not only its reply.
 */
export function estimatePromptTokens(size: PromptSize): number {
  return Math.ceil(size.bytes / 3) + 8 * size.messages + 800 * size.images;
}

/** The prompt of the next call in a task: its stored turns so far, plus the system prompt and the new message. */
export async function promptSoFar(tx: Tx, participationId: string, taskId: string): Promise<PromptSize> {
  const [row] = await tx.$queryRaw<{ bytes: bigint; messages: bigint; images: bigint }[]>`
    SELECT COALESCE(SUM(octet_length(text)), 0)::bigint AS bytes, COUNT(*)::bigint AS messages,
           COALESCE(SUM(images), 0)::bigint AS images
    FROM "StudyTurn" WHERE "participationId" = ${participationId}::uuid AND "taskId" = ${taskId}`;
  return { bytes: Number(row?.bytes ?? 0), messages: Number(row?.messages ?? 0), images: Number(row?.images ?? 0) };
}

/** The tokens a finished call really used, from the model's usage report. */
export function usedTokens(usage: unknown): number | null {
  const u = (usage ?? {}) as { total_tokens?: unknown; prompt_tokens?: unknown; completion_tokens?: unknown };
  if (typeof u.total_tokens === 'number') return u.total_tokens;
  const parts = [u.prompt_tokens, u.completion_tokens].filter((n): n is number => typeof n === 'number');
  return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
}

/**
 * Replaces a call's reservation by what it used, once. Without a usage report (a stopped stream) the
 * reservation stays spent if the model said anything, and is released if it said nothing.
 */
export async function settleTokens(db: Db | Tx, jobId: string, used: number | null, saidAnything: boolean) {
  const value = used ?? (saidAnything ? null : 0);
  await db.$executeRaw`
    UPDATE "StudyTokenUse" SET used = COALESCE(${value}::int, reserved), "settledAt" = now()
    WHERE "jobId" = ${jobId}::uuid AND "settledAt" IS NULL`;
}
