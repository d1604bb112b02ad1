import type { Db } from '../db/client';
import { badInput } from '../errors';
import { parseId } from '../ids';

export const DEFAULT_CONTACTS_PAGE = 100;
export const MAX_CONTACTS_PAGE = 200;
const MAX_SEARCH = 64;

/** `%`, `_` and `\` match themselves in a search, not as LIKE wildcards. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of the directory, ordered by name (citext: case-insensitively), so a server with thousands of
 * users never sends them all; the unique username index answers both the range and the order.
 */
export function contactsPage(
  db: Db,
  viewerId: string,
  { search, after, limit }: { search?: string | null; after?: string | null; limit?: number | null },
) {
  const take = limit ?? DEFAULT_CONTACTS_PAGE;
  if (!Number.isInteger(take) || take < 1 || take > MAX_CONTACTS_PAGE)
    throw badInput(`limit must be 1 to ${MAX_CONTACTS_PAGE}.`, 'limit');
  const term = search?.trim() ?? '';
  if (term.length > MAX_SEARCH) throw badInput(`search must be at most ${MAX_SEARCH} characters.`, 'search');
  if (after && after.length > MAX_SEARCH) throw badInput('after must be a username.', 'after');
  return db.user.findMany({
    where: {
      id: { not: viewerId },
      ...(term ? { username: { contains: literal(term), mode: 'insensitive' as const } } : {}),
      ...(after ? { AND: [{ username: { gt: after } }] } : {}),
    },
    orderBy: { username: 'asc' },
    take,
  });
}

/**
 * The users of these ids that exist (bots included), by name: what a client shows for conversations it has
 * open whoever is on its current page of contacts. Unknown ids are left out; malformed ones are refused.
 */
export function usersByIds(db: Db, ids: readonly string[]) {
  if (ids.length > MAX_CONTACTS_PAGE) throw badInput(`ids may hold at most ${MAX_CONTACTS_PAGE} ids.`, 'ids');
  const wanted = [...new Set(ids.map((id) => parseId(id, 'ids')))];
  return db.user.findMany({ where: { id: { in: wanted } }, orderBy: { username: 'asc' } });
}
