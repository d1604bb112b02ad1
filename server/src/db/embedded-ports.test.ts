import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dataDir, embeddedEnv, FIRST_PORT, portOf, START_MS, works } from '../test/embedded-env';
import { startServer } from '../test/server-process';

describe('the embedded PostgreSQL finds a port', () => {
  test('two checkouts at once: the second takes the next free port, each remembers its own', async () => {
    const [dirA, dirB] = await Promise.all([dataDir(0o755), dataDir(0o755)]);
    const started = await Promise.allSettled([
      startServer(embeddedEnv(dirA), START_MS),
      startServer(embeddedEnv(dirB), START_MS),
    ]);
    const [a, b] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    try {
      assert.ok(a && b, `both start: ${started.map((s) => (s.status === 'rejected' ? s.reason : 'ok')).join('\n')}`);
      assert.notEqual(portOf(a), portOf(b));
      await Promise.all([works(a), works(b)]);
      assert.equal(Number(await readFile(path.join(dirA, 'postgres-port'), 'utf8')), portOf(a));
      assert.equal(Number(await readFile(path.join(dirB, 'postgres-port'), 'utf8')), portOf(b));
    } finally {
      await Promise.all([a?.stop(), b?.stop()]);
    }
    // Restarted, B keeps its port even though A's is free now.
    const again = await startServer(embeddedEnv(dirB), START_MS);
    try {
      assert.equal(portOf(again), Number(await readFile(path.join(dirB, 'postgres-port'), 'utf8')));
      await works(again);
    } finally {
      await again.stop();
    }
  });

  test('a port taken by another program is skipped', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(FIRST_PORT) + 500, '127.0.0.1', resolve));
    const dir = await dataDir(0o755);
    const server = await startServer(
      { ...embeddedEnv(dir), EMBEDDED_PG_PORT: String(Number(FIRST_PORT) + 500) },
      START_MS,
    );
    try {
      assert.equal(portOf(server), Number(FIRST_PORT) + 501);
      await works(server);
    } finally {
      await server.stop();
      blocker.close();
    }
  });
});
