import type { DocumentNode } from 'graphql';

/** Longer query texts are not kept: the cache holds the app's own small operations, not arbitrary payloads. */
const MAX_CACHED_QUERY_CHARS = 16 * 1024;

/**
 * Parsed documents that passed validation (the specified rules and the armour), by query text, least
 * recently used first out. Subscriptions with the same text share one document. Only valid documents
 * are kept, so invalid ones cannot evict the app's.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentNode>();

  constructor(private readonly capacity: number) {}

  get(query: string): DocumentNode | undefined {
    const document = this.entries.get(query);
    if (document) {
      // Re-inserting moves it to the end: Map iterates in insertion order.
      this.entries.delete(query);
      this.entries.set(query, document);
    }
    return document;
  }

  set(query: string, document: DocumentNode): void {
    if (this.capacity === 0 || query.length > MAX_CACHED_QUERY_CHARS) return;
    this.entries.delete(query);
    this.entries.set(query, document);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
