import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** What a proxy or client may pass on: short, and nothing that could forge a log line. */
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id if sane, else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && SANE.test(header) ? header : randomUUID();
}

/**
 * Gives every HTTP request its id and returns it in the X-Request-Id response header. GraphQL operations carry
 * it in their context (not in an AsyncLocalStorage, whose promise hooks cost every promise of the process).
 */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.locals.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  next();
};
