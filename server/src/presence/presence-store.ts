export interface ConnectionInfo {
  connId: string;
  userId: string;
  connectedAt: string;
}

/**
 * Who is connected, with an expiry per connection that the owning process keeps pushing forward.
 * A connection whose process died simply expires; `sweep` reports users left with none.
 */
export interface PresenceStore {
  /** Adds or refreshes a connection; true when the user had no live connection before. */
  connect(info: ConnectionInfo, expiresAt: number): Promise<boolean>;
  /**
   * Refreshes many connections at once (one round trip); returns the users among them that had no live
   * connection before (e.g. theirs expired while Redis was away), once per connection that found them so.
   */
  refresh(infos: readonly ConnectionInfo[], expiresAt: number): Promise<string[]>;
  /** True when this was the user's last live connection. */
  disconnect(userId: string, connId: string): Promise<boolean>;
  /** Removes expired connections; returns the users that thereby went offline (each to one caller only). */
  sweep(now: number): Promise<string[]>;
  online(userIds: readonly string[]): Promise<boolean[]>;
  connections(): Promise<ConnectionInfo[]>;
}
