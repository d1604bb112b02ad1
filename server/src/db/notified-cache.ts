/**
 * Values this process read from Postgres, kept while Postgres' change notifications reach it (see
 * SessionChangeListener). It is trusted only while they flow; a read that began before a change was heard is
 * never kept, since the notification may have overtaken the answer. `maxAgeMs` bounds what a lost notification
 * could cost (0 keeps nothing); past `maxEntries` the oldest entry makes room.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private live = false;
  private generation = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 100_000,
    /** Told of every entry that leaves (forgotten, expired or evicted), but not of clear(). */
    private readonly onForget?: (key: string, value: V) => void,
  ) {}

  get trusted(): boolean {
    return this.live;
  }

  /** Where a read starts: hand it to set() with what the read found. */
  get epoch(): number {
    return this.generation;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now = Date.now()): V | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.forget(key);
    return undefined;
  }

  /** Keeps a value read since `epoch` (until `untilMs` at the latest), unless something changed meanwhile. */
  set(key: string, value: V, epoch: number, untilMs = Number.POSITIVE_INFINITY): boolean {
    if (!this.live || epoch !== this.generation || this.maxAgeMs <= 0) return false;
    this.forget(key);
    if (this.entries.size >= this.maxEntries) this.forget(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: Math.min(Date.now() + this.maxAgeMs, untilMs) });
    return true;
  }

  /** A change was heard: reads that began before it are not kept. The caller forgets what it touched. */
  changed(): void {
    this.generation++;
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.onForget?.(key, entry.value);
  }

  /** Notifications flow (true) or may be missed (false): either way nothing read before counts. */
  trust(live: boolean): void {
    this.generation++;
    this.live = live;
    this.clear();
  }

  clear(): void {
    this.entries.clear();
  }
}
