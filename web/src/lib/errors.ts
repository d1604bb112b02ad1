import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/** The `extensions.code` of the first GraphQL error, if the failure was one. */
export function errorCode(error: unknown): string | undefined {
  if (CombinedGraphQLErrors.is(error)) {
    const code = error.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { extensions?: { code?: unknown } }[] };
      const code = body.errors?.[0]?.extensions?.code;
      if (typeof code === 'string') return code;
    } catch {
      // Not a GraphQL body.
    }
    if (error.statusCode === 429) return 'RATE_LIMITED';
    if (error.statusCode === 401) return 'UNAUTHENTICATED';
  }
  return undefined;
}

/** True when the request never got a GraphQL answer (offline, server down, 5xx). */
export function isNetworkFailure(error: unknown): boolean {
  if (CombinedGraphQLErrors.is(error)) return false;
  if (ServerError.is(error)) return error.statusCode >= 500 || error.statusCode === 0;
  return true;
}

/** A sentence to show the user. */
export function errorMessage(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.map((e) => e.message).join(' ') || 'Something went wrong.';
  }
  if (ServerError.is(error)) return `The server answered ${error.statusCode}. Please try again.`;
  if (error instanceof Error && /fetch|network/i.test(error.message)) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** How long the server asked us to wait (RATE_LIMITED carries extensions.retryAfterSeconds), in ms. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  const seconds = error.errors[0]?.extensions?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined;
}

/** The error as a developer reads it (codes and server text), for behind a "Details" disclosure. */
export function technicalDetail(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}`).join('\n');
  }
  if (ServerError.is(error)) return `HTTP ${error.statusCode}: ${error.bodyText.slice(0, 500)}`;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { code, message } = error as { code?: unknown; message: unknown };
    return code ? `${String(code)}: ${String(message)}` : String(message);
  }
  return String(error);
}
