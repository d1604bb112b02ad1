import { isIP } from 'node:net';

/** No proxy, the number of proxies in front, or their addresses (proxy-addr's syntax, as express takes it). */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validEntry(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `false` (default) or `0`; a hop count such as `1` (only the address the nearest proxy saw
 * counts, whatever the client put in X-Forwarded-For); or a comma list of proxy addresses and CIDRs
 * (`10.0.0.0/8,loopback`). `true` is refused: it would let every client choose its own address.
 */
export function parseTrustProxy(value: string): TrustProxy | { error: string } {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === '') return false;
  if (v === 'true')
    return {
      error:
        'must be a hop count (e.g. 1) or a list of proxy addresses, not true (that lets every client choose its IP)',
    };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : { error: 'must be at most 10 hops' };
  }
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.find((e) => !validEntry(e));
  if (bad !== undefined || !entries.length)
    return {
      error: 'must be false, a hop count, or a comma list of IP addresses, CIDRs, loopback, linklocal, uniquelocal',
    };
  return entries;
}
