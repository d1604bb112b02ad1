import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';

/**
 * The client's address for a raw request (the WebSocket upgrade), exactly as express computes `req.ip`
 * for HTTP: express's own getter with its compiled TRUST_PROXY (proxy-addr), so both paths always agree.
 */
export function clientIpOf(app: Express): (req: IncomingMessage) => string {
  return (req) => {
    const view = { app, headers: req.headers, socket: req.socket, connection: req.socket };
    const ip: unknown = Reflect.get(app.request, 'ip', view);
    return typeof ip === 'string' ? ip : (req.socket.remoteAddress ?? '');
  };
}
