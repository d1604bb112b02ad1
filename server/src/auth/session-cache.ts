import { NotifiedCache } from '../db/notified-cache';
import { metrics } from '../metrics/registry';
import type { ChangeSubscriber } from './session-changes';
import type { SessionUser } from './token-store';

/**
 * Sessions this process has found live in Postgres, so that a request with a known token needs no
 * statement. It is trusted only while Postgres' change notifications reach this process
 * (`SessionChangeListener`): until the listener is up, and from the moment it drops, every check asks
 * Postgres. A change forgets the entry at once; `maxAgeMs` bounds what a lost notification could cost.
 */
export class SessionCache implements ChangeSubscriber {
  /** The live sessions of each account, so that a change of the account forgets them all. */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly sessions: NotifiedCache<SessionUser>;

  constructor(maxAgeMs: number, maxEntries = 100_000) {
    this.sessions = new NotifiedCache<SessionUser>(maxAgeMs, maxEntries, (jti, user) => {
      const jtis = this.byUser.get(user.id);
      jtis?.delete(jti);
      if (jtis?.size === 0) this.byUser.delete(user.id);
    });
  }

  get trusted(): boolean {
    return this.sessions.trusted;
  }

  get epoch(): number {
    return this.sessions.epoch;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(jti: string): SessionUser | undefined {
    return this.sessions.get(jti);
  }

  /** Remembers a live session read at `epoch`, unless something changed since then. */
  set(jti: string, user: SessionUser, expiresAtMs: number, epoch: number): void {
    if (!this.sessions.set(jti, user, epoch, expiresAtMs)) return;
    const jtis = this.byUser.get(user.id);
    if (jtis) jtis.add(jti);
    else this.byUser.set(user.id, new Set([jti]));
  }

  /** A notification: 's:<jti>' (a session ended) or 'u:<user id>' (the account changed or went). */
  changed(payload: string): void {
    this.sessions.changed();
    const id = payload.slice(2);
    if (payload.startsWith('s:')) this.sessions.forget(id);
    else if (payload.startsWith('u:')) for (const jti of [...(this.byUser.get(id) ?? [])]) this.sessions.forget(jti);
    else this.clear();
  }

  /** Notifications flow (true) or may be missed (false): either way nothing read before counts. */
  trust(live: boolean): void {
    this.sessions.trust(live);
    this.byUser.clear();
    metrics.sessionCacheTrusted.set(live ? 1 : 0);
  }

  private clear(): void {
    this.sessions.clear();
    this.byUser.clear();
  }
}
