/**
 * Runs tasks with the same key one after another in this process. Consents to one study are serialised by
 * a Postgres advisory lock across processes; queueing them here first means they wait in memory, not while
 * holding a connection of the shared pool (which a burst of consents would otherwise exhaust).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
