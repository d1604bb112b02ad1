import { metrics } from '../metrics/registry';
import type { ChangeSubscriber } from './session-changes';
import type { SessionUser } from './token-store';

interface Entry {
  user: SessionUser;
  /** ms since the epoch after which the entry is not trusted (its age limit, or the token's expiry). */
  until: number;
}

/**
 * Sessions this process has found live in Postgres, so that a request with a known token needs no
 * statement. It is trusted only while Postgres' change notifications reach this process
 * (`SessionChangeListener`): until the listener is up, and from the moment it drops, every check asks
 * Postgres. A change forgets the entry at once; `maxAgeMs` bounds what a lost notification could cost.
 */
export class SessionCache implements ChangeSubscriber {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private live = false;
  /**
   * Counts every change heard: a look-up that started before a change must not store what it read, since
   * the notification may have arrived while the answer was on its way.
   */
  private generation = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  get trusted(): boolean {
    return this.live;
  }

  get epoch(): number {
    return this.generation;
  }

  get(jti: string): SessionUser | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(jti);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.user;
    this.forget(jti);
    return undefined;
  }

  /** Remembers a live session read at `epoch`, unless something changed since then. */
  set(jti: string, user: SessionUser, expiresAtMs: number, epoch: number): void {
    if (!this.live || epoch !== this.generation || this.maxAgeMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.forget(this.entries.keys().next().value as string);
    this.forget(jti);
    this.entries.set(jti, { user, until: Math.min(Date.now() + this.maxAgeMs, expiresAtMs) });
    const jtis = this.byUser.get(user.id);
    if (jtis) jtis.add(jti);
    else this.byUser.set(user.id, new Set([jti]));
  }

  /** A notification: 's:<jti>' (a session ended) or 'u:<user id>' (the account changed or went). */
  changed(payload: string): void {
    this.generation++;
    const id = payload.slice(2);
    if (payload.startsWith('s:')) this.forget(id);
    else if (payload.startsWith('u:')) for (const jti of [...(this.byUser.get(id) ?? [])]) this.forget(jti);
    else this.clear();
  }

  /** Notifications flow (true) or may be missed (false): either way nothing read before counts. */
  trust(live: boolean): void {
    this.generation++;
    this.live = live;
    metrics.sessionCacheTrusted.set(live ? 1 : 0);
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.entries.clear();
    this.byUser.clear();
  }

  private forget(jti: string): void {
    const entry = this.entries.get(jti);
    if (!entry) return;
    this.entries.delete(jti);
    const jtis = this.byUser.get(entry.user.id);
    jtis?.delete(jti);
    if (jtis?.size === 0) this.byUser.delete(entry.user.id);
  }
}
