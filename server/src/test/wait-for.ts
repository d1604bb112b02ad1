/** Polls until `read` returns something other than undefined, for at most `ms`. */
export async function waitFor<T>(read: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls the async `probe` until it returns something other than undefined, for at most `timeoutMs`. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Asks until `holds` is true, for at most `ms`: for what another process learns from a notification, which
 * arrives moments after the change that caused it, not before the next request.
 */
export async function soon(holds: () => Promise<boolean>, ms = 3000): Promise<void> {
  await pollUntil(async () => ((await holds()) ? true : undefined), ms, 10);
}
