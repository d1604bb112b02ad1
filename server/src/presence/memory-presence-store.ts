import type { ConnectionInfo, PresenceStore } from './presence-store';

interface Entry {
  info: ConnectionInfo;
  expiresAt: number;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Map<string, Entry>>();

  private live(userId: string, now = Date.now()) {
    const conns = this.users.get(userId);
    return conns ? [...conns.values()].filter((e) => e.expiresAt > now).length : 0;
  }

  async connect(info: ConnectionInfo, expiresAt: number) {
    const wasOnline = this.live(info.userId) > 0;
    const conns = this.users.get(info.userId) ?? new Map<string, Entry>();
    conns.set(info.connId, { info, expiresAt });
    this.users.set(info.userId, conns);
    return !wasOnline;
  }

  async refresh(infos: readonly ConnectionInfo[], expiresAt: number) {
    const back: string[] = [];
    for (const info of infos) if (await this.connect(info, expiresAt)) back.push(info.userId);
    return back;
  }

  async disconnect(userId: string, connId: string) {
    const removed = this.users.get(userId)?.delete(connId) ?? false;
    return removed && this.live(userId) === 0;
  }

  async sweep(now: number) {
    const offline: string[] = [];
    for (const [userId, conns] of this.users) {
      let removed = false;
      for (const [connId, entry] of conns) {
        if (entry.expiresAt <= now) removed = conns.delete(connId) || removed;
      }
      if (conns.size === 0) this.users.delete(userId);
      if (removed && conns.size === 0) offline.push(userId);
    }
    return offline;
  }

  async online(userIds: readonly string[]) {
    return userIds.map((id) => this.live(id) > 0);
  }

  async connections() {
    const now = Date.now();
    return [...this.users.values()].flatMap((conns) =>
      [...conns.values()].filter((e) => e.expiresAt > now).map((e) => e.info),
    );
  }
}
