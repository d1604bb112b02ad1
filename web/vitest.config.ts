import { defineConfig } from 'vitest/config';

// The client's pure logic (merges, outbox decisions, answer checks): no browser, no server.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
  },
});
