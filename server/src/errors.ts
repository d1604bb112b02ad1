import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values the clients can rely on. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE';

/** An error the client is meant to see: its message and code reach the response as they are. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const badInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : {});
export const unauthenticated = (message = 'You must be logged in.') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError('FORBIDDEN', message);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many attempts. Try again ${waitText(retryAfterSeconds)}.`, { retryAfterSeconds });

/** "in 40 seconds", "in 15 minutes": a wait as a person reads it (rounded up). */
export function waitText(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `in ${Math.ceil(minutes / 60)} hours`;
}

/** A problem with the deployment's configuration files: start-up stops with this one-line message. */
export class StartupError extends Error {}
