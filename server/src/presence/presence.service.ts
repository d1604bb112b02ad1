import type { PublicUser } from '../chat/message.dto';
import { publicUser } from '../chat/message.dto';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import type { ConnectionRegistry, LocalConnection } from './connections';
import { PRESENCE_TOPIC } from './presence.topics';
import { PresenceFanout } from './presence-fanout';
import type { PresenceStore } from './presence-store';

/** Published on every online/offline transition; `user.online` travels with it. */
export interface PresenceChange {
  user: PublicUser & { online: boolean };
  online: boolean;
  at: Date;
}

/**
 * Presence is tied to WebSocket connections. Each process refreshes the expiry of the connections it
 * holds; a connection whose process died expires, and whichever process sweeps it first reports the
 * user offline.
 */
export class PresenceService {
  private timers: NodeJS.Timeout[] = [];
  private readonly fanout: PresenceFanout;

  constructor(
    private readonly store: PresenceStore,
    private readonly registry: ConnectionRegistry,
    private readonly db: Db,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {
    this.fanout = new PresenceFanout(pubsub);
  }

  start() {
    const refreshEvery = Math.max(500, Math.floor(this.timeoutMs / 3));
    this.timers.push(setInterval(() => void this.refresh(), refreshEvery).unref());
    this.timers.push(setInterval(() => void this.sweep(), Math.min(1000, refreshEvery)).unref());
  }

  stop() {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  async connect(connection: LocalConnection) {
    this.registry.add(connection);
    const info = {
      connId: connection.connId,
      userId: connection.userId,
      connectedAt: connection.connectedAt.toISOString(),
    };
    if (await this.store.connect(info, Date.now() + this.timeoutMs)) await this.announce(connection.userId, true);
  }

  async disconnect(connId: string) {
    const connection = this.registry.remove(connId);
    if (connection && (await this.store.disconnect(connection.userId, connId)))
      await this.announce(connection.userId, false);
  }

  online(userIds: readonly string[]) {
    return this.store.online(userIds);
  }

  connections() {
    return this.store.connections();
  }

  /** The changes of these users (every user's when null), for presenceChanged; live once it resolves. */
  follow(userIds: readonly string[] | null) {
    return this.fanout.follow(userIds);
  }

  /** Every connection of this process in one batch: one round trip per tick, not one per connection. */
  private async refresh() {
    const connections = this.registry.all();
    if (!connections.length) return;
    try {
      const infos = connections.map((c) => ({
        connId: c.connId,
        userId: c.userId,
        connectedAt: c.connectedAt.toISOString(),
      }));
      const back = await this.store.refresh(infos, Date.now() + this.timeoutMs);
      for (const userId of new Set(back)) await this.announce(userId, true);
    } catch (error) {
      this.log.warn({ err: error }, 'presence refresh failed');
    }
  }

  private async sweep() {
    try {
      for (const userId of await this.store.sweep(Date.now())) await this.announce(userId, false);
    } catch (error) {
      this.log.warn({ err: error }, 'presence sweep failed');
    }
  }

  /** Publishes a user (or bot) going online or offline. */
  async announce(userId: string, online: boolean) {
    const at = new Date();
    const user = online
      ? await this.db.user.findUnique({ where: { id: userId } })
      : await this.db.user.update({ where: { id: userId }, data: { lastSeenAt: at } }).catch(() => null);
    if (!user) return;
    const change: PresenceChange = { user: { ...publicUser(user), online }, online, at };
    await this.pubsub.publish(PRESENCE_TOPIC, change);
  }
}
