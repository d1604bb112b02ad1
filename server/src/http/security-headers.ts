import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** What the web app and the bundled GraphiQL (Monaco, its workers, injected styles) need, and no more. */
const directives = (frameAncestors: string[]) => ({
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  // Monaco and React set styles at run time.
  styleSrc: ["'self'", "'unsafe-inline'"],
  // Chat images are data: or blob: URLs; study task images may live on any HTTPS host the study file names.
  imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  frameAncestors: frameAncestors.length ? frameAncestors : ["'none'"],
  // Served over plain HTTP on a lab machine too: do not rewrite its own URLs to https.
  upgradeInsecureRequests: null,
});

const headers = (frameAncestors: string[]) =>
  helmet({
    contentSecurityPolicy: { useDefaults: true, directives: directives(frameAncestors) },
    // X-Frame-Options cannot name hosts: send DENY unless some hosts may frame the page (CSP decides then).
    xFrameOptions: frameAncestors.length ? false : { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

/**
 * Security headers on every response: a strict CSP, no framing, nosniff, no referrer. The study pages
 * (/study/...) may be framed by the hosts in STUDY_FRAME_ANCESTORS, and only by them.
 */
export function securityHeaders(studyFrameAncestors: string[]): RequestHandler {
  const everywhere = apiSecurityHeaders();
  const study = headers(studyFrameAncestors);
  return (req, res, next) => (/^\/study(\/|$)/.test(req.path) ? study : everywhere)(req, res, next);
}

/** The headers of every path outside /study (the API's own). */
export const apiSecurityHeaders = () => headers([]);

/**
 * The API's security headers as one object, made once by running helmet against a recording response: they
 * depend on no request, and setting them one by one per request cost about 5% of a small request's CPU.
 */
export function apiSecurityHeaderValues(): Record<string, string> {
  const values: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => {
      values[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete values[name.toLowerCase()];
    },
  };
  let done = false;
  apiSecurityHeaders()({} as never, recorder as never, () => {
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously');
  return values;
}
