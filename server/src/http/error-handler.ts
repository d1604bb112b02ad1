import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';

const json = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** Unmatched requests: JSON, never express's HTML page. */
export const notFoundJson: RequestHandler = (_req, res) => {
  res.status(404).json(json('Not found.', 'NOT_FOUND'));
};

/**
 * The last error handler: whatever a middleware throws (body-parser, static files, a bug) answers JSON
 * with a code, in every NODE_ENV; never express's HTML page with a stack and absolute paths.
 */
export function finalErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: { status?: unknown; statusCode?: unknown; type?: unknown }, _req, res, _next) => {
    const raw = Number(error?.status ?? error?.statusCode);
    const status = raw >= 400 && raw < 600 ? raw : 500;
    if (status >= 500) log.error({ err: error }, 'unexpected error in an HTTP handler');
    if (res.headersSent) return void res.destroy();
    const body =
      status === 413
        ? json('The request is too large.', 'PAYLOAD_TOO_LARGE')
        : status === 404
          ? json('Not found.', 'NOT_FOUND')
          : status < 500
            ? json('The request is not valid.', 'BAD_REQUEST')
            : json('Internal server error.', 'INTERNAL_SERVER_ERROR');
    res.status(status).json(body);
  };
}
