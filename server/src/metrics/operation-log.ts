import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { metrics, operationLabel } from './registry';

export interface OperationRecord {
  transport: 'http' | 'ws';
  requestId: string;
  operation: string | null | undefined;
  type: string | undefined;
  userId?: string;
  participationId?: string;
  durationMs: number;
  /** The first error's extensions.code, if the operation answered with errors. */
  code?: string;
}

export function firstErrorCode(errors: readonly unknown[] | undefined): string | undefined {
  const first = errors?.[0] as { extensions?: { code?: unknown } } | undefined;
  if (!first) return undefined;
  const code = first.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** The one log line (and the latency sample) of a GraphQL operation, over HTTP or WebSocket. */
export function recordOperation(log: Logger, record: OperationRecord) {
  const operation = operationLabel(record.operation);
  metrics.graphqlDuration.observe(
    { operation, type: record.type ?? 'unknown', transport: record.transport, outcome: record.code ? 'error' : 'ok' },
    record.durationMs / 1000,
  );
  log.info(
    {
      requestId: record.requestId,
      transport: record.transport,
      operation,
      type: record.type,
      userId: record.userId,
      participationId: record.participationId,
      durationMs: Math.round(record.durationMs * 10) / 10,
      ...(record.code ? { code: record.code } : {}),
    },
    'graphql operation',
  );
}

/** Apollo plugin: logs and times every HTTP operation, with the request's id (its context's). */
export function operationLogPlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operation, operationName, response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          recordOperation(log, {
            transport: 'http',
            requestId: contextValue.requestId,
            operation: operation?.name?.value ?? operationName,
            type: operation?.operation,
            userId: contextValue.viewer?.id,
            participationId: contextValue.participant?.participationId,
            durationMs: performance.now() - started,
            code: firstErrorCode(errors),
          });
        },
      };
    },
  };
}
