import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dataDir, embeddedEnv, START_MS, works } from '../test/embedded-env';
import { startServer } from '../test/server-process';

describe('the embedded PostgreSQL stops with one sentence', () => {
  test('a second server on the same DATA_DIR stops with one sentence saying what to do', async () => {
    const dir = await dataDir(0o755);
    const first = await startServer(embeddedEnv(dir), START_MS);
    try {
      await assert.rejects(startServer(embeddedEnv(dir), START_MS), (error: Error) => {
        assert.match(error.message, /already running for another Parley process: stop that one first/);
        assert.doesNotMatch(error.message, /undefined/);
        return true;
      });
    } finally {
      await first.stop();
    }
  });

  if (process.getuid?.() === 0) {
    test('as root, a DATA_DIR in a private folder stops with one sentence; under a 0755 parent it starts', async () => {
      const hidden = await dataDir(0o700);
      await assert.rejects(startServer(embeddedEnv(hidden), START_MS), (error: Error) => {
        assert.match(error.message, /runs as the user postgres, which cannot reach .*set DATABASE_URL/);
        assert.doesNotMatch(error.message, /undefined|EACCES/);
        return true;
      });
      const open = await startServer(embeddedEnv(await dataDir(0o755)), START_MS);
      try {
        await works(open);
      } finally {
        await open.stop();
      }
    });
  }
});
