import type { Db } from '../db/client';
import type { Role } from '../generated/prisma/enums';
import type { Redis } from '../redis';

/** The account behind a live token, as it is now (not as the token was signed). */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

/**
 * The allow-list of issued token ids: a JWT is honoured only while its id is here and its user still
 * exists, so logout, "end all sessions", a removed account and a role change take effect at once in
 * every process.
 */
export interface TokenStore {
  add(jti: string, userId: string, expiresAt: Date): Promise<void>;
  /** The current user of each live token id (revoked, expired and ownerless ids are absent). */
  holders(jtis: string[]): Promise<Map<string, SessionUser>>;
  revoke(jti: string): Promise<void>;
  /** Revokes every token of the user; returns how many there were. */
  revokeUser(userId: string): Promise<number>;
}

const userFields = { id: true, username: true, role: true } as const;

export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly db: Db,
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

  async holders(jtis: string[]) {
    const found = new Map<string, SessionUser>();
    if (!jtis.length) return found;
    const userIds = await this.redis.mget(...jtis.map(this.tokenKey));
    const ids = [...new Set(userIds.filter((id): id is string => id !== null))];
    if (!ids.length) return found;
    // The account is read from Postgres on every check: removals and role changes count at once.
    const users = await this.db.user.findMany({ where: { id: { in: ids }, isBot: false }, select: userFields });
    const byId = new Map(users.map((u) => [u.id, u]));
    jtis.forEach((jti, i) => {
      const user = byId.get(userIds[i] ?? '');
      if (user) found.set(jti, user);
    });
    return found;
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

  async holders(jtis: string[]) {
    if (!jtis.length) return new Map<string, SessionUser>();
    // One query: the Session row joined with its User (deleting a user deletes its sessions).
    const rows = await this.db.session.findMany({
      where: { jti: { in: jtis }, expiresAt: { gt: new Date() }, user: { isBot: false } },
      select: { jti: true, user: { select: userFields } },
    });
    return new Map(rows.map((row) => [row.jti, row.user]));
  }

  async revoke(jti: string) {
    await this.db.session.deleteMany({ where: { jti } });
  }

  /** Deletes sessions past their expiry (they are already refused); returns how many. */
  async pruneExpired(): Promise<number> {
    const { count } = await this.db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  }

  async revokeUser(userId: string) {
    const live = await this.db.session.count({ where: { userId, expiresAt: { gt: new Date() } } });
    await this.db.session.deleteMany({ where: { userId } });
    return live;
  }
}
