import { createHash } from 'node:crypto';

/** Usernames compare case-insensitively (the column is citext): `ALICE` and `alice` are one account. */
export const canonicalUsername = (username: string) => username.trim().toLowerCase();

/** A bounded key part for a username as typed (a 1 MB "username" must not become a 1 MB Redis key). */
export function usernameKey(username: string): string {
  const canonical = canonicalUsername(username);
  return canonical.length <= 64 ? canonical : `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
