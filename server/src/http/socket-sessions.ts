import type { Tokens } from '../auth/tokens';
import type { Role } from '../generated/prisma/enums';
import type { Logger } from '../logger';

/** A user's open socket, as it was authenticated. */
export interface TrackedSocket {
  jti: string;
  userId: string;
  role: Role;
  /** The token's expiry, in ms since the epoch. */
  expiresAt: number;
  /** Closes the socket as "session ended" (4401). */
  end(reason: string): void;
}

// setTimeout's longest delay; longer token lifetimes re-arm the timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends this process's user sockets when their session ends without a revocation message reaching it:
 * at the token's expiry (a timer each), and when a periodic check finds the token revoked, the user
 * removed or their role changed (e.g. by `npm run user:grant` in single-node mode, which has no pub/sub).
 */
export class SocketSessions {
  private readonly sockets = new Set<TrackedSocket & { timer?: NodeJS.Timeout }>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly tokens: Tokens,
    private readonly log: Logger,
  ) {}

  /** Watches a socket; returns the function to call once it closes. */
  track(socket: TrackedSocket): () => void {
    const entry: TrackedSocket & { timer?: NodeJS.Timeout } = { ...socket };
    const arm = () => {
      const left = socket.expiresAt - Date.now();
      if (left <= 0) return socket.end('Session expired');
      entry.timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      entry.timer.unref();
    };
    this.sockets.add(entry);
    arm();
    return () => {
      clearTimeout(entry.timer);
      this.sockets.delete(entry);
    };
  }

  start(everyMs: number) {
    this.sweep = setInterval(() => {
      this.check().catch((err: unknown) => this.log.warn({ err }, 'socket session check failed'));
    }, everyMs);
    this.sweep.unref();
  }

  stop() {
    clearInterval(this.sweep);
    for (const entry of this.sockets) clearTimeout(entry.timer);
  }

  /** One batched look-up for every open socket of this process. */
  async check(): Promise<void> {
    const entries = [...this.sockets];
    if (!entries.length) return;
    const holders = await this.tokens.holders([...new Set(entries.map((e) => e.jti))]);
    for (const entry of entries) {
      const user = holders.get(entry.jti);
      if (!user || user.id !== entry.userId || user.role !== entry.role) entry.end('Session ended');
    }
  }
}
