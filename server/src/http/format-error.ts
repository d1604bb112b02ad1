import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError } from '../errors';
import type { Logger } from '../logger';

// Codes Apollo and graphql-js give to the client's own mistakes; their messages are safe to show.
const clientCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const unavailable =
  /Can't reach database|ECONNREFUSED|Connection terminated|connect ETIMEDOUT|Connection is closed|MaxRetriesPerRequest|terminating connection due to administrator command|the database system is (starting up|shutting down)/i;

/** The one place that decides what a client sees of an error: known errors as they are, the rest masked and logged. */
export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (original instanceof AppError) return { ...formatted, extensions };
    if (typeof extensions.code === 'string' && clientCodes.has(extensions.code)) return { ...formatted, extensions };
    const message = original instanceof Error ? original.message : String(original);
    if (unavailable.test(message)) {
      log.warn({ err: original, path: formatted.path }, 'dependency unavailable');
      return {
        message: 'The service is temporarily unavailable. Try again shortly.',
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
