import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Viewer } from '../context';
import { Role } from '../generated/prisma/enums';
import type { TokenStore } from './token-store';

interface Claims {
  sub: string;
  name: string;
  role: Role;
  jti: string;
}

const roles = new Set<string>(Object.values(Role));

function isClaims(value: unknown): value is Claims {
  const c = value as Partial<Claims> | null;
  return (
    typeof c?.sub === 'string' && typeof c.name === 'string' && typeof c.jti === 'string' && roles.has(String(c.role))
  );
}

/** Signs JWTs and honours them only while their id is on the allow-list. */
export class Tokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly store: TokenStore,
  ) {}

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

  /** The viewer for a token, or null when it is malformed, forged, expired or revoked. */
  async verify(token: string): Promise<Viewer | null> {
    let claims: unknown;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (!isClaims(claims) || !(await this.store.has(claims.jti))) return null;
    return { id: claims.sub, username: claims.name, role: claims.role, jti: claims.jti };
  }

  /** Accepts "Bearer <token>" (or a bare token) as sent in headers and connectionParams. */
  async verifyHeader(header: unknown): Promise<Viewer | null> {
    if (typeof header !== 'string' || !header.trim()) return null;
    return this.verify(header.replace(/^Bearer\s+/i, '').trim());
  }

  revoke(jti: string) {
    return this.store.revoke(jti);
  }

  revokeUser(userId: string) {
    return this.store.revokeUser(userId);
  }
}
