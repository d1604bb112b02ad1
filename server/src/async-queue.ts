/**
 * An async iterator fed by `push`: values wait in a queue until the consumer asks. Returning from it
 * (the subscription ends) calls `onEnd` once.
 */
export function queueIterator<T>(onEnd: () => void): { push(value: T): void; iterator: AsyncIterableIterator<T> } {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      const value = queue.shift();
      return value === undefined ? { value: undefined, done: true } : { value, done: false };
    },
    async return() {
      if (!ended) {
        ended = true;
        onEnd();
        wake?.();
      }
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    push(value) {
      queue.push(value);
      wake?.();
    },
    iterator,
  };
}
