import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const store = new AsyncLocalStorage<{ requestId: string }>();
/** What a proxy or client may pass on: short, and nothing that could forge a log line. */
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id if sane, else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && SANE.test(header) ? header : randomUUID();
}

/** Gives every HTTP request its id and returns it in the X-Request-Id response header. */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.locals.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  next();
};

/**
 * Runs the rest of the request with its id in scope, so that a job created by it records the same id.
 * Mount it after the body parser: stream callbacks would not carry the scope.
 */
export const requestIdScope: RequestHandler = (_req, res, next) => {
  store.run({ requestId: String(res.locals.requestId ?? randomUUID()) }, next);
};

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return store.run({ requestId }, fn);
}

/** The id of the request being served, or a new one outside any request. */
export function currentRequestId(): string {
  return store.getStore()?.requestId ?? randomUUID();
}
