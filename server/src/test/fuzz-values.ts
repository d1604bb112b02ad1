import {
  type GraphQLInputType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/** mulberry32: a tiny PRNG, so the fuzz makes the same requests every run. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const hex = (n: number) => Array.from({ length: n }, () => int(16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  return { next, int, pick, hex, uuid };
}
export type Random = ReturnType<typeof seeded>;

/** Real values the fuzz knows (ids of existing rows, a study slug), so that it gets past the first checks. */
export interface Known {
  ids: string[];
  slugs: string[];
  taskIds: string[];
}

const MB = 1024 * 1024;

/** Text Postgres cannot store or that no client should send: NUL, unpaired surrogates, control characters. */
const hostile = ['a\u0000b', '\u0000', '\ud800', 'lone \udc00 low', 'bell\u0007 esc\u001b del\u007f c1\u0085'];

export function boundaryString(r: Random, known: Known, nested = false): string {
  // Nested strings stay small: a list of 500 items of 1 MB each is not a request anyone can send.
  const huge = (length: number) => (nested ? 'h'.repeat(300) : 'y'.repeat(length));
  // Often a real slug, task id, role or model with hostile text around it, so that it gets past the first checks.
  if (r.next() < 0.35) return r.pick([r.pick(hostile), `${boundaryPlain(r, known)}${r.pick(hostile)}`]);
  return r.pick<() => string>([
    () => '',
    () => ' ',
    () => 'a',
    () => 'x'.repeat(r.pick([255, 256, 4001])),
    () => huge(65_537),
    () => huge(MB), // the 1 MB field
    () => 'tab\t newline\n cr\r',
    () => '😀 ü 中文 \u200b\u202e',
    () => '\'; DROP TABLE "User"; --',
    () => '../../../etc/passwd',
    () => '<script>alert(1)</script>',
    () => '=HYPERLINK("http://x")',
    () => ['%s%n%x{0}', '$', '{x}'].join(''), // format strings and a template placeholder
    () => 'null',
    () => r.hex(24),
    () => `P${r.hex(23)}`,
    () => boundaryPlain(r, known),
    () => boundaryPlain(r, known),
    () => `data:image/png;base64,${Buffer.from('not a png').toString('base64')}`,
  ])();
}

/** A value the server knows: a slug, a task id, a role, a model, a seeded user name. */
function boundaryPlain(r: Random, known: Known): string {
  return r.pick([
    ...known.slugs,
    ...known.taskIds,
    'user',
    'assistant',
    'system',
    'test-model',
    'alice',
    'ALICE',
    'chatgpt',
  ]);
}

export function boundaryId(r: Random, known: Known): string | number {
  if (r.next() < 0.5) return r.pick(known.ids);
  return r.pick<() => string | number>([
    () => r.uuid(),
    () => r.uuid().toUpperCase(),
    () => '00000000-0000-0000-0000-000000000000',
    () => 'not-a-uuid',
    () => '',
    () => 123,
    () => -1,
    () => `${r.uuid()}\u0000`,
    () => `${r.uuid()}' OR '1'='1`,
    () => 'z'.repeat(10_000),
  ])();
}

export function boundaryInt(r: Random, mistakes: boolean): unknown {
  if (mistakes && r.next() < 0.5) return r.pick([2_147_483_648, 1.5, '7', 1e308]);
  return r.pick([0, 1, -1, 2, 50, 200, 201, 2_147_483_647, -2_147_483_648]);
}

export function boundaryFloat(r: Random, mistakes: boolean): unknown {
  if (mistakes && r.next() < 0.5) return '3.14';
  return r.pick([0, -0.5, 0.1, 1e308, -1e308, 5e-324, 42, 1.7976931348623157e308]);
}

export function deepJson(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { deeper: value };
  return value;
}

export function boundaryJson(r: Random, known: Known, nested = false): unknown {
  return r.pick<() => unknown>([
    () => ({}),
    () => [],
    () => 'just a string',
    () => 42,
    () => true,
    () => ({ answers: { [r.pick(['q1', 'answer', 'attn'])]: boundaryString(r, known, true) } }),
    () => ({ a: { b: ['ok', 'x\u0000'] } }),
    () => ({ 'key\u0000': 1 }),
    () => ({ '\ud800': 'key' }),
    () => deepJson(nested ? 50 : r.pick([50, 500, 1000])),
    () => Array.from({ length: nested ? 100 : 10_000 }, (_, i) => i),
    () => ({ big: 'z'.repeat(nested ? 300 : MB) }),
    () => ({ n: 1e308, m: -1e308, t: 5e-324 }),
    () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  ])();
}

/**
 * A value for an input type with boundary values in every leaf. With `mistakes`, also values of the wrong
 * type (nulls, strings for numbers, unknown fields, 60 invalid list items), which never get past the edge.
 */
export function inputValue(type: GraphQLInputType, r: Random, known: Known, mistakes: boolean, depth = 0): unknown {
  if (mistakes && r.next() < 0.1) return null;
  if (!isNonNullType(type) && r.next() < 0.05) return depth > 0 ? undefined : null;
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) {
    const item = inner.ofType as GraphQLInputType;
    const shape = r.int(4);
    if (mistakes && r.next() < 0.3) return Array.from({ length: 60 }, () => ({ invalid: true })); // > 50 invalid items
    if (shape === 0) return [];
    if (shape === 1)
      return Array.from({ length: r.pick([60, 500]) }, () => inputValue(item, r, known, mistakes, depth + 1));
    return Array.from({ length: 1 + r.int(3) }, () => inputValue(item, r, known, mistakes, depth + 1));
  }
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (!isNonNullType(field.type) && r.next() < 0.3) continue;
      const v = inputValue(field.type, r, known, mistakes, depth + 1);
      if (v !== undefined) value[field.name] = v;
    }
    if (mistakes && r.next() < 0.2) value.unknownField = 'surprise';
    return value;
  }
  if (isEnumType(inner)) return mistakes && r.next() < 0.3 ? 'NOT_A_VALUE' : r.pick(inner.getValues()).value;
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'String':
        return boundaryString(r, known, depth > 0);
      case 'ID':
        return boundaryId(r, known);
      case 'Int':
        return boundaryInt(r, mistakes);
      case 'Float':
        return boundaryFloat(r, mistakes);
      case 'Boolean':
        return mistakes && r.next() < 0.5 ? r.pick(['true', 0]) : r.pick([true, false]);
      case 'JSON':
        return boundaryJson(r, known, depth > 0);
      case 'DateTime':
        return r.pick(['2026-01-01T00:00:00Z', 'yesterday', '', 0]);
    }
  }
  return boundaryString(r, known);
}
