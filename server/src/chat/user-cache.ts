import type { Pool } from 'pg';
import type { ChangeSubscriber } from '../auth/session-changes';
import { NotifiedCache } from '../db/notified-cache';
import type { PublicUser } from './message.dto';

const USERS = `SELECT id, username, "isBot", role::text AS role, "lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt"
  FROM "User" WHERE id = ANY($1::uuid[])`;

/**
 * The public fields of accounts, as every message carries them: read once, then forgotten when Postgres
 * notifies a change of the account ('u:<id>', see SessionChangeListener).
 */
export class UserCache implements ChangeSubscriber {
  private readonly users: NotifiedCache<PublicUser>;

  constructor(
    private readonly pool: Pool,
    maxAgeMs: number,
    maxEntries = 100_000,
  ) {
    this.users = new NotifiedCache<PublicUser>(maxAgeMs, maxEntries);
  }

  /** The accounts of these ids (well-formed UUIDs) that exist, by id. */
  async get(ids: string[]): Promise<Map<string, PublicUser>> {
    const found = new Map<string, PublicUser>();
    const missing: string[] = [];
    const now = Date.now();
    for (const id of ids) {
      const user = this.users.get(id, now);
      if (user) found.set(id, user);
      else missing.push(id);
    }
    if (!missing.length) return found;
    const epoch = this.users.epoch;
    const { rows } = await this.pool.query<PublicUser>({ name: 'chat-users', text: USERS, values: [missing] });
    for (const user of rows) {
      found.set(user.id, user);
      this.users.set(user.id, user, epoch);
    }
    return found;
  }

  changed(payload: string): void {
    if (payload.startsWith('s:')) return; // a session, not an account
    this.users.changed();
    if (payload.startsWith('u:')) this.users.forget(payload.slice(2));
    else this.users.clear();
  }

  trust(live: boolean): void {
    this.users.trust(live);
  }
}
