import type { RateLimit } from '../auth/rate-limiter';

/**
 * Runs `admit` (a transaction checking concurrency and quota, which may write the job already) with the owner's
 * rate point taken meanwhile, a Redis round trip off the path. `admit` calls `checkRate` once its own limits
 * passed: it throws the rate's refusal, if any. A call refused before that gives the point back, as if it had
 * never been counted. `granted` tells, without counting the call as admitted, whether the point was taken.
 */
export async function withinRate<T>(
  rate: RateLimit,
  key: string,
  admit: (checkRate: () => Promise<void>, granted: Promise<boolean>) => Promise<T>,
): Promise<T> {
  const taken = rate.consume(key).then(
    () => null,
    (refusal: unknown) => ({ refusal }),
  );
  let used = false;
  try {
    const check = async () => {
      used = true;
      const refused = await taken;
      if (refused) throw refused.refusal;
    };
    return await admit(
      check,
      taken.then((refused) => !refused),
    );
  } catch (error) {
    if (!used) await taken.then(() => rate.reward(key));
    throw error;
  }
}
