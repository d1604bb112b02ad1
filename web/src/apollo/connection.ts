/**
 * Live state of the WebSocket link, readable from React through
 * `useSyncExternalStore`. `generation` grows by one on every successful
 * connection, so effects can react to "the link is back".
 */
export type LinkStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionState {
  status: LinkStatus;
  generation: number;
}

export class ConnectionMonitor {
  private state: ConnectionState = { status: 'connecting', generation: 0 };
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): ConnectionState => this.state;

  connecting(): void {
    this.update(this.state.generation === 0 && this.state.status === 'connecting' ? 'connecting' : 'reconnecting');
  }

  connected(): void {
    this.state = { status: 'connected', generation: this.state.generation + 1 };
    this.emit();
  }

  closed(): void {
    this.update('reconnecting');
  }

  private update(status: LinkStatus): void {
    if (this.state.status === status) return;
    this.state = { ...this.state, status };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
