// The load generator's side of the protocol in children.mjs: receive the job, send the result.
export function generator(run) {
  process.once('message', async (message) => {
    try {
      const result = await run(message.job, (extra) => process.send(extra));
      process.send({ type: 'result', result }, () => process.exit(0));
    } catch (error) {
      process.send({ type: 'error', error: error?.stack ?? String(error) }, () => process.exit(1));
    }
  });
}

/** Resolves on the next IPC message of the given type (the bench telling a generator to go on). */
export function nextMessage(type) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.type === type) {
        process.off('message', onMessage);
        resolve(message);
      }
    };
    process.on('message', onMessage);
  });
}

/** Runs `worker(i)` for i < count in at most `width` parallel lanes. */
export async function inLanes(count, width, worker) {
  let next = 0;
  const lane = async () => {
    while (next < count) await worker(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

/** Tells the bench where the measured window starts and ends (it reads the server's CPU there). */
export const mark = (phase) => new Promise((resolve) => process.send({ type: 'mark', phase }, resolve));
