import type { Pool } from 'pg';
import type { ChangeSubscriber } from '../auth/session-changes';
import type { PublicUser } from './message.dto';

const USERS = `SELECT id, username, "isBot", role::text AS role, "lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt"
  FROM "User" WHERE id = ANY($1::uuid[])`;

/**
 * The public fields of accounts, as every message carries them: read once, then forgotten when Postgres
 * notifies a change of the account ('u:<id>', see SessionChangeListener). Trusted only while those
 * notifications flow; `maxAgeMs` bounds what a lost one could cost.
 */
export class UserCache implements ChangeSubscriber {
  private readonly users = new Map<string, { user: PublicUser; until: number }>();
  private live = false;
  /** Counts account changes heard, so that a read begun before one does not store what it read. */
  private generation = 0;

  constructor(
    private readonly pool: Pool,
    private readonly maxAgeMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** The accounts of these ids (well-formed UUIDs) that exist, by id. */
  async get(ids: string[]): Promise<Map<string, PublicUser>> {
    const found = new Map<string, PublicUser>();
    const missing: string[] = [];
    const now = Date.now();
    for (const id of ids) {
      const entry = this.live ? this.users.get(id) : undefined;
      if (entry && entry.until > now) found.set(id, entry.user);
      else missing.push(id);
    }
    if (!missing.length) return found;
    const epoch = this.generation;
    const { rows } = await this.pool.query<PublicUser>({ name: 'chat-users', text: USERS, values: [missing] });
    const keep = this.live && epoch === this.generation && this.maxAgeMs > 0;
    for (const user of rows) {
      found.set(user.id, user);
      if (!keep) continue;
      if (this.users.size >= this.maxEntries) this.users.delete(this.users.keys().next().value as string);
      this.users.set(user.id, { user, until: Date.now() + this.maxAgeMs });
    }
    return found;
  }

  changed(payload: string): void {
    if (payload.startsWith('s:')) return; // a session, not an account
    this.generation++;
    if (payload.startsWith('u:')) this.users.delete(payload.slice(2));
    else this.users.clear();
  }

  trust(live: boolean): void {
    this.generation++;
    this.live = live;
    this.users.clear();
  }
}
