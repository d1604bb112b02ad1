import type { Db } from '../db/client';
import type { Redis } from '../redis';

/**
 * The allow-list of issued token ids: a JWT is honoured only while its id is here, so logout and
 * "end all sessions" take effect at once in every process.
 */
export interface TokenStore {
  add(jti: string, userId: string, expiresAt: Date): Promise<void>;
  has(jti: string): Promise<boolean>;
  revoke(jti: string): Promise<void>;
  /** Revokes every token of the user; returns how many there were. */
  revokeUser(userId: string): Promise<number>;
}

export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private tokenKey = (jti: string) => `${this.prefix}:token:${jti}`;
  private userKey = (userId: string) => `${this.prefix}:user-tokens:${userId}`;

  async add(jti: string, userId: string, expiresAt: Date) {
    const ms = Math.max(1, expiresAt.getTime() - Date.now());
    const userKey = this.userKey(userId);
    await this.redis
      .multi()
      .set(this.tokenKey(jti), userId, 'PX', ms)
      .zadd(userKey, expiresAt.getTime(), jti)
      .zremrangebyscore(userKey, '-inf', Date.now())
      .pexpire(userKey, ms, 'GT')
      .exec();
  }

  async has(jti: string) {
    return (await this.redis.exists(this.tokenKey(jti))) === 1;
  }

  async revoke(jti: string) {
    const userId = await this.redis.get(this.tokenKey(jti));
    const tx = this.redis.multi().del(this.tokenKey(jti));
    if (userId) tx.zrem(this.userKey(userId), jti);
    await tx.exec();
  }

  async revokeUser(userId: string) {
    const jtis = await this.redis.zrangebyscore(this.userKey(userId), Date.now(), '+inf');
    const tx = this.redis.multi().del(this.userKey(userId));
    if (jtis.length) tx.del(...jtis.map(this.tokenKey));
    const results = await tx.exec();
    return jtis.length ? Number(results?.[1]?.[1] ?? 0) : 0;
  }
}

/** Single-node mode keeps the allow-list in Postgres, so sessions survive a restart. */
export class DbTokenStore implements TokenStore {
  constructor(private readonly db: Db) {}

  async add(jti: string, userId: string, expiresAt: Date) {
    await this.db.session.create({ data: { jti, userId, expiresAt } });
  }

  async has(jti: string) {
    return (await this.db.session.count({ where: { jti, expiresAt: { gt: new Date() } } })) > 0;
  }

  async revoke(jti: string) {
    await this.db.session.deleteMany({ where: { jti } });
  }

  async revokeUser(userId: string) {
    const live = await this.db.session.count({ where: { userId, expiresAt: { gt: new Date() } } });
    await this.db.session.deleteMany({ where: { userId } });
    return live;
  }
}
