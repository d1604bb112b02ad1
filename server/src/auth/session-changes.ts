import pg from 'pg';
import type { Logger } from '../logger';

/** A cache that follows the notifications: told of each change, and whether changes may have been missed. */
export interface ChangeSubscriber {
  /** 's:<jti>' (a session ended) or 'u:<user id>' (the account changed or went). */
  changed(payload: string): void;
  /** Notifications flow (true) or may be missed (false): either way nothing read before counts. */
  trust(live: boolean): void;
}

/** The channel the triggers of migration 20261127000000_session_notifications notify. */
const CHANNEL = 'parley_sessions';
const RETRY_MS = [100, 500, 1000, 2000, 5000];

/**
 * Holds one connection that LISTENs for session and account changes and hands each to the caches. A cache
 * is trusted only while this connection is up and listening; when it drops (Postgres restarted, network
 * gone) the caches are emptied and bypassed until a new connection listens again.
 */
export class SessionChangeListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly caches: ChangeSubscriber[],
    private readonly log: Logger,
  ) {}

  /** Resolves once the first attempt is over; a failed one keeps retrying in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.trust(false);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true });
    let lost = false;
    const lose = (err?: unknown) => {
      if (lost) return;
      lost = true;
      this.trust(false);
      if (this.client === client) this.client = null;
      if (!this.stopped) {
        this.log.warn({ err }, 'session change notifications lost: every session is checked in Postgres');
        this.schedule();
      }
      client.end().catch(() => undefined);
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', ({ payload = '' }) => {
      for (const cache of this.caches) cache.changed(payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      lose(err);
      return;
    }
    if (lost || this.stopped) return void client.end().catch(() => undefined);
    this.client = client;
    if (this.failures) this.log.info('session change notifications back: known sessions are cached again');
    this.failures = 0;
    this.trust(true);
  }

  private trust(live: boolean): void {
    for (const cache of this.caches) cache.trust(live);
  }

  private schedule(): void {
    clearTimeout(this.retry);
    const delay = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)];
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }
}
