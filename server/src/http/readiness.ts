import type { Services } from '../services';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

/** Ready only when every configured dependency answers. */
export async function readiness({ db, redis }: Services) {
  const postgres = await within(db.$queryRaw`SELECT 1`, 2000).then(
    () => true,
    () => false,
  );
  const redisOk = redis
    ? await within(redis.ping(), 2000).then(
        () => true,
        () => false,
      )
    : null;
  return { ready: postgres && redisOk !== false, postgres, redis: redisOk };
}
