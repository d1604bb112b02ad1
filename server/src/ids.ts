import { badInput } from './errors';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is the client's mistake, caught before it reaches Postgres. */
export function parseId(value: string, field: string): string {
  if (!uuid.test(value)) throw badInput(`${field} is not a valid id.`, field);
  return value.toLowerCase();
}
