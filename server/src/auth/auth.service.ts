import { isReservedName } from '../bots/bot-config';
import type { Config } from '../config';
import type { Viewer } from '../context';
import { type Db, isUniqueViolation } from '../db/client';
import { badInput, forbidden, notFound, unauthenticated } from '../errors';
import type { User } from '../generated/prisma/client';
import type { PubSub } from '../pubsub';
import { parseCredentials } from './credentials';
import { ipKey } from './ip-key';
import type { Limits } from './limits';
import { hashPassword, verifyPassword } from './password';
import { REVOCATIONS_TOPIC, type Revocation } from './revocations';
import type { Tokens } from './tokens';
import { usernameKey } from './usernames';

// No account has a longer or stranger name; such input is not worth a database round trip.
const validUsername = (username: string) => /^[a-zA-Z0-9_.-]{3,32}$/.test(username);

export interface AuthResult {
  token: string;
  user: User;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly tokens: Tokens,
    private readonly limits: Limits,
    private readonly pubsub: PubSub,
    private readonly config: Config,
  ) {}

  async register(input: { username: string; password: string }, ip: string): Promise<AuthResult> {
    if (!this.config.ALLOW_REGISTRATION) throw forbidden('Registration is closed on this server.');
    const { username, password } = parseCredentials(input);
    await this.limits.registerIp.consume(ipKey(ip));
    // Names of bots that may be configured later are kept free, whatever their case.
    if (isReservedName(username)) throw badInput('That username is taken.', 'username');
    try {
      const user = await this.db.user.create({ data: { username, passwordHash: await hashPassword(password) } });
      return { token: await this.tokens.issue(user), user };
    } catch (error) {
      // The column is citext: `Alice` clashes with `alice`, a person's or a bot's.
      if (isUniqueViolation(error)) throw badInput('That username is taken.', 'username');
      throw error;
    }
  }

  /**
   * Both limits are consumed before the password is verified, so parallel guesses cannot outrun them.
   * The per-user limit is keyed by (username, IP): failures from elsewhere never lock the owner out.
   */
  async login(input: { username: string; password: string }, ip: string): Promise<AuthResult> {
    const username = input.username.trim();
    const byIp = ipKey(ip);
    const byUser = `${usernameKey(username)}|${byIp}`;
    await this.limits.loginIp.consume(byIp);
    await this.limits.loginUser.consume(byUser);

    const user = validUsername(username) ? await this.db.user.findUnique({ where: { username } }) : null;
    const ok = await verifyPassword(user?.isBot ? undefined : user?.passwordHash, input.password);
    if (!user || !ok) throw unauthenticated('Wrong username or password.');
    // The limits count failures: a success gives the IP its point back and clears this user's window.
    await Promise.all([this.limits.loginUser.reset(byUser), this.limits.loginIp.reward(byIp)]);
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
