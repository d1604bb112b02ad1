import type { Config } from '../config';
import type { Viewer } from '../context';
import { type Db, isUniqueViolation } from '../db/client';
import { badInput, forbidden, notFound, rateLimited, unauthenticated } from '../errors';
import type { User } from '../generated/prisma/client';
import type { PubSub } from '../pubsub';
import { parseCredentials } from './credentials';
import { hashPassword, verifyPassword } from './password';
import type { RateLimiter } from './rate-limiter';
import { REVOCATIONS_TOPIC, type Revocation } from './revocations';
import type { Tokens } from './tokens';

export interface AuthResult {
  token: string;
  user: User;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly tokens: Tokens,
    private readonly limiter: RateLimiter,
    private readonly pubsub: PubSub,
    private readonly config: Config,
  ) {}

  async register(input: { username: string; password: string }): Promise<AuthResult> {
    if (!this.config.ALLOW_REGISTRATION) throw forbidden('Registration is closed on this server.');
    const { username, password } = parseCredentials(input);
    try {
      const user = await this.db.user.create({ data: { username, passwordHash: await hashPassword(password) } });
      return { token: await this.tokens.issue(user), user };
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput('That username is taken.', 'username');
      throw error;
    }
  }

  async login(input: { username: string; password: string }, ip: string): Promise<AuthResult> {
    const username = input.username.trim();
    const byUser = `login:user:${username.toLowerCase()}`;
    const byIp = `login:ip:${ip}`;
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const [userWindow, ipWindow] = await Promise.all([this.limiter.peek(byUser), this.limiter.peek(byIp)]);
    if (userWindow.count >= this.config.LOGIN_MAX_FAILURES) throw rateLimited(userWindow.retryAfterSeconds);
    if (ipWindow.count >= this.config.LOGIN_MAX_FAILURES_PER_IP) throw rateLimited(ipWindow.retryAfterSeconds);

    const user = await this.db.user.findUnique({ where: { username } });
    const ok = await verifyPassword(user?.isBot ? undefined : user?.passwordHash, input.password);
    if (!user || !ok) {
      await Promise.all([this.limiter.hit(byUser, window), this.limiter.hit(byIp, window)]);
      throw unauthenticated('Wrong username or password.');
    }
    await this.limiter.reset(byUser);
    return { token: await this.tokens.issue(user), user };
  }

  async logout(viewer: Viewer): Promise<void> {
    await this.tokens.revoke(viewer.jti);
    await this.publish({ userId: viewer.id, jti: viewer.jti });
  }

  /** Ends every session of a user: their tokens stop working and their sockets close. */
  async endSessions(userId: string): Promise<number> {
    const user = await this.db.user.findUnique({ where: { id: userId } });
    if (!user) throw notFound('No such user.');
    const revoked = await this.tokens.revokeUser(userId);
    await this.publish({ userId });
    return revoked;
  }

  private publish(revocation: Revocation) {
    return this.pubsub.publish(REVOCATIONS_TOPIC, revocation);
  }
}
