/** A WebSocket connection held by this process. */
export interface LocalConnection {
  connId: string;
  userId: string;
  jti: string;
  connectedAt: Date;
  close(code: number, reason: string): void;
}

/** The connections this process holds, to refresh their presence and to close them on revocation. */
export class ConnectionRegistry {
  private readonly byId = new Map<string, LocalConnection>();

  add(connection: LocalConnection) {
    this.byId.set(connection.connId, connection);
  }

  remove(connId: string): LocalConnection | undefined {
    const connection = this.byId.get(connId);
    this.byId.delete(connId);
    return connection;
  }

  all(): LocalConnection[] {
    return [...this.byId.values()];
  }

  matching(filter: { userId: string; jti?: string }): LocalConnection[] {
    return this.all().filter((c) => c.userId === filter.userId && (!filter.jti || c.jti === filter.jti));
  }

  get size() {
    return this.byId.size;
  }
}
