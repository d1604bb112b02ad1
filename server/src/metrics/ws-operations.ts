import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { firstErrorCode, recordOperation } from './operation-log';
import { metrics } from './registry';

interface Running {
  requestId: string;
  name: string | null | undefined;
  type: string | undefined;
  started: number;
  code?: string;
}

interface Caller {
  viewer?: { id: string };
  participant?: { participationId: string };
}

/**
 * The WebSocket side of the operation log: graphql-ws reports an operation's start (onSubscribe), its
 * errors (onNext/onError) and its end (onComplete, also when the socket closes) to this object.
 */
export class WsOperations {
  private readonly bySocket = new WeakMap<object, Map<string, Running>>();

  constructor(private readonly log: Logger) {}

  started(socket: object, id: string, name: string | null | undefined, type: string | undefined) {
    const running = this.bySocket.get(socket) ?? new Map<string, Running>();
    this.bySocket.set(socket, running);
    running.set(id, { requestId: randomUUID(), name, type, started: performance.now() });
    if (type === 'subscription') metrics.subscriptions.inc();
  }

  /** The id of a started operation in the log; jobs it creates record it. */
  requestIdOf(socket: object, id: string): string {
    return this.bySocket.get(socket)?.get(id)?.requestId ?? randomUUID();
  }

  /** A result (or error list) went out: remembers its first error code. */
  answered(socket: object, id: string, errors: readonly unknown[] | undefined) {
    const entry = this.bySocket.get(socket)?.get(id);
    const code = firstErrorCode(errors);
    if (entry && code && !entry.code) entry.code = code;
  }

  /** An operation refused before it started (onSubscribe's errors): logged now, nothing to complete. */
  refused(caller: Caller, name: string | null | undefined, errors: readonly unknown[]) {
    recordOperation(this.log, {
      transport: 'ws',
      requestId: randomUUID(),
      operation: name,
      type: undefined,
      userId: caller.viewer?.id,
      participationId: caller.participant?.participationId,
      durationMs: 0,
      code: firstErrorCode(errors),
    });
  }

  completed(socket: object, caller: Caller, id: string) {
    const running = this.bySocket.get(socket);
    const entry = running?.get(id);
    if (!entry) return;
    running?.delete(id);
    if (entry.type === 'subscription') metrics.subscriptions.dec();
    recordOperation(this.log, {
      transport: 'ws',
      requestId: entry.requestId,
      operation: entry.name,
      type: entry.type,
      userId: caller.viewer?.id,
      participationId: caller.participant?.participationId,
      durationMs: performance.now() - entry.started,
      code: entry.code,
    });
  }
}
