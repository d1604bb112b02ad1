import type { Condition } from './study-definition';

/**
 * The condition furthest below its share: fewest participants per unit of weight, ties broken at random.
 * Callers serialise arrivals per study, so counts cannot go stale between reading and inserting.
 */
export function chooseCondition(conditions: Condition[], counts: Map<string, number>, random = Math.random): Condition {
  const fill = (c: Condition) => (counts.get(c.name) ?? 0) / c.weight;
  const lowest = Math.min(...conditions.map(fill));
  const candidates = conditions.filter((c) => fill(c) === lowest);
  return candidates[Math.floor(random() * candidates.length)] ?? (conditions[0] as Condition);
}

/** A stable shuffle for one participant (question order), seeded by their participation id. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  let state = 0;
  for (const char of seed) state = (Math.imul(state, 31) + char.charCodeAt(0)) | 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) | 0;
    return ((state >>> 0) % 1_000_000) / 1_000_000;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}
