import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Viewer } from '../context';
import { Role } from '../generated/prisma/enums';
import { metrics } from '../metrics/registry';
import type { SessionCache } from './session-cache';
import type { SessionUser, TokenStore } from './token-store';

interface Claims {
  sub: string;
  name: string;
  role: Role;
  jti: string;
  exp: number;
}

const roles = new Set<string>(Object.values(Role));
const sessionChecks = {
  memory: metrics.sessionChecks.labels({ source: 'memory' }),
  postgres: metrics.sessionChecks.labels({ source: 'postgres' }),
};
/** Tokens whose signature is remembered; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;

function isClaims(value: unknown): value is Claims {
  const c = value as Partial<Claims> | null;
  return (
    typeof c?.sub === 'string' &&
    typeof c.name === 'string' &&
    typeof c.jti === 'string' &&
    typeof c.exp === 'number' &&
    roles.has(String(c.role))
  );
}

/** Signs JWTs and honours them only while their id is on the allow-list. */
export class Tokens {
  /**
   * Made once: given the string, jsonwebtoken tries createPublicKey on it and throws on every call
   * (about 1 ms of CPU per verify, against 20 µs with a KeyObject).
   */
  private readonly secret: KeyObject;
  /**
   * Signatures already checked, by token text: the same string always verifies the same way, so only its
   * expiry is checked again. Whether it is still allowed (the session check) is asked on every use.
   */
  private readonly verified = new Map<string, Claims>();
  /** Session look-ups under way, so that concurrent requests with one token share a statement. */
  private readonly reading = new Map<string, { epoch: number; read: Promise<SessionUser | undefined> }>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly store: TokenStore,
    private readonly cache?: SessionCache,
  ) {
    this.secret = createSecretKey(Buffer.from(secret));
  }

  async issue(user: { id: string; username: string; role: Role }): Promise<string> {
    const jti = randomUUID();
    const token = jwt.sign({ name: user.username, role: user.role }, this.secret, {
      subject: user.id,
      jwtid: jti,
      expiresIn: this.ttlSeconds,
      algorithm: 'HS256',
    });
    await this.store.add(jti, user.id, new Date(Date.now() + this.ttlSeconds * 1000));
    return token;
  }

  /**
   * The viewer for a token, or null when it is malformed, forged, expired or revoked, or its user is gone.
   * The name and role are the account's current ones, not the token's: a role change counts at once.
   */
  async verify(token: string): Promise<Viewer | null> {
    const claims = this.claimsOf(token);
    if (!claims) return null;
    const known = this.cache?.get(claims.jti);
    sessionChecks[known ? 'memory' : 'postgres'].inc();
    const user = known ?? (await this.holder(claims));
    if (!user || user.id !== claims.sub) return null;
    return { ...user, jti: claims.jti };
  }

  /**
   * Reads a session in Postgres. A request joins a read already under way for its token only while no change
   * was heard since that read began (so never without the cache's notifications).
   */
  private holder(claims: Claims): Promise<SessionUser | undefined> {
    const { jti } = claims;
    const epoch = this.cache?.epoch ?? -1;
    const under = this.reading.get(jti);
    if (under && under.epoch === epoch && this.cache?.trusted) return under.read;
    const read = this.store.holders([jti]).then((holders) => {
      const user = holders.get(jti);
      if (user) this.cache?.set(jti, user, claims.exp * 1000, epoch);
      return user;
    });
    const entry = { epoch, read };
    this.reading.set(jti, entry);
    const done = () => {
      if (this.reading.get(jti) === entry) this.reading.delete(jti);
    };
    read.then(done, done);
    return read;
  }

  /** When a token stops working (its `exp`, in ms), or null when it is not a valid token. */
  expiresAt(header: unknown): number | null {
    if (typeof header !== 'string') return null;
    const claims = this.claimsOf(header.replace(/^Bearer\s+/i, '').trim());
    return claims ? claims.exp * 1000 : null;
  }

  /** The current user of each live token id, for re-checking many open sockets at once. */
  holders(jtis: string[]) {
    return this.store.holders(jtis);
  }

  private claimsOf(token: string): Claims | null {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 > Date.now()) return known;
      this.verified.delete(token);
    }
    try {
      const claims: unknown = jwt.verify(token, this.secret, { algorithms: ['HS256'] });
      if (!isClaims(claims)) return null;
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
      return claims;
    } catch {
      return null;
    }
  }

  /** Accepts "Bearer <token>" (or a bare token) as sent in headers and connectionParams. */
  async verifyHeader(header: unknown): Promise<Viewer | null> {
    if (typeof header !== 'string' || !header.trim()) return null;
    return this.verify(header.replace(/^Bearer\s+/i, '').trim());
  }

  /** Ends a session; this process forgets it at once, the others when Postgres notifies them. */
  async revoke(jti: string) {
    await this.store.revoke(jti);
    this.cache?.changed(`s:${jti}`);
  }

  async revokeUser(userId: string) {
    const revoked = await this.store.revokeUser(userId);
    this.cache?.changed(`u:${userId}`);
    return revoked;
  }
}
