// Hostile documents for the armour tests (and the values they are checked against).

/** Fragments that each spread the next one `width` times, `levels` deep: 10^9 paths in under 800 bytes. */
export function fanOutDocument(levels = 9, width = 10): string {
  let doc = 'query{me{...F0}}';
  for (let i = 0; i < levels; i++) doc += `fragment F${i} on User{${`...F${i + 1}`.repeat(width)}}`;
  return `${doc}fragment F${levels} on User{id}`;
}

export const fragmentCycle = 'query{me{...A}}fragment A on User{id ...B}fragment B on User{username ...A}';
export const missingFragment = 'query{me{...Nowhere}}';

/** `count` aliases of one root field, numbered a0, a1, ... */
export const aliased = (count: number, field: (i: number) => string, operation = 'query') =>
  `${operation}{${Array.from({ length: count }, (_, i) => `a${i}:${field(i)}`).join(' ')}}`;

/** Introspection `depth` fields deep (`__type` is not exempt from the depth limit; `__schema` is). */
export const deepIntrospection = (depth: number) =>
  `{__type(name:"User"){fields{type{${'ofType{'.repeat(depth - 4)}name${'}'.repeat(depth - 4)}}}}}`;
