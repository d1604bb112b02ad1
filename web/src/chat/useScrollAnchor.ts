import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef } from 'react';

interface ScrollOptions {
  /** Changes whenever rows are added (at either end). */
  contentKey: string;
  /** The list has its first page: place the view once. */
  ready: boolean;
  hasMore: boolean;
  loadOlder(): Promise<void>;
}

/** How close to an edge counts as being at it, in px. */
const EDGE = 120;

/**
 * Where the list of messages is scrolled: on opening, at the "New messages" divider (else the newest
 * message); stuck to the bottom while the reader is there (new messages, streamed replies, a resize or a
 * phone keyboard); older history loads when the reader scrolls near the top, keeping their place.
 */
export function useScrollAnchor(listRef: RefObject<HTMLOListElement | null>, options: ScrollOptions) {
  const { contentKey, ready, hasMore, loadOlder } = options;
  const stick = useRef(true);
  const placed = useRef(false);
  const fromBottom = useRef<number | null>(null);
  const loading = useRef(false);

  const toBottom = useCallback(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [listRef]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: contentKey is the trigger
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || !ready) return;
    if (!placed.current) {
      placed.current = true;
      const divider = el.querySelector<HTMLElement>('[data-divider="unread"]');
      if (divider) {
        el.scrollTop = divider.offsetTop - el.offsetTop - 8;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
        return;
      }
    }
    if (fromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - fromBottom.current;
      fromBottom.current = null;
    } else toBottom();
  }, [contentKey, ready, toBottom]);

  // A resize (a phone's keyboard, a rotated screen, a bubble that grew) keeps the newest message in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows (contentKey) are observed too
  useEffect(() => {
    const el = listRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => toBottom());
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    return () => observer.disconnect();
  }, [listRef, toBottom, contentKey]);

  const onScroll = useCallback(() => {
    const el = listRef.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (el.scrollTop < EDGE && hasMore && !loading.current && placed.current) {
      loading.current = true;
      fromBottom.current = el.scrollHeight - el.scrollTop;
      loadOlder()
        .catch(() => {
          fromBottom.current = null;
        })
        .finally(() => {
          loading.current = false;
        });
    }
  }, [listRef, hasMore, loadOlder]);

  const stickToBottom = useCallback(() => {
    stick.current = true;
    toBottom();
  }, [toBottom]);

  return { onScroll, onGrow: toBottom, stickToBottom };
}
