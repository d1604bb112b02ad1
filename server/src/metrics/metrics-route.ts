import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { registry } from './registry';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The socket's own peer, never X-Forwarded-For: a proxy's header must not open the metrics. */
function fromLoopback(address: string | undefined): boolean {
  if (!address || !isIP(address)) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * GET /metrics in Prometheus' text format. With METRICS_TOKEN set, only `Authorization: Bearer <token>`
 * reads it (from anywhere); without it, only connections from this host (loopback) do.
 */
export function metricsRoute(token: string | undefined): RequestHandler {
  return async (req, res) => {
    const header = req.headers.authorization ?? '';
    const allowed = token
      ? header.startsWith('Bearer ') && sameSecret(header.slice(7), token)
      : fromLoopback(req.socket.remoteAddress);
    if (!allowed) {
      res.status(token ? 401 : 403).json({
        errors: [
          {
            message: token
              ? 'GET /metrics needs the METRICS_TOKEN bearer token.'
              : 'GET /metrics is open to loopback only.',
            extensions: { code: token ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
          },
        ],
      });
      return;
    }
    res.setHeader('Content-Type', registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await registry.metrics());
  };
}
