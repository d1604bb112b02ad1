import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config';

test('MODEL_PRICES and CHAT_QUOTAS are read as JSON and checked at start-up', () => {
  const config = loadConfig({
    MODEL_PRICES: '{"gpt-4o-mini": {"input": 0.15, "output": 0.6}}',
    CHAT_QUOTAS: '{"USER": {"requestsPerDay": 200, "tokensPerDay": 200000}, "ADMIN": {}}',
  });
  assert.deepEqual(config.MODEL_PRICES, { 'gpt-4o-mini': { input: 0.15, output: 0.6 } });
  assert.equal(config.CHAT_QUOTAS.USER?.requestsPerDay, 200);
  assert.deepEqual(loadConfig({}).MODEL_PRICES, {}, 'no prices: tokens without cost');
  for (const [name, value] of [
    ['MODEL_PRICES', 'not json'],
    ['MODEL_PRICES', '{"m": {"input": -1, "output": 1}}'],
    ['MODEL_PRICES', '{"m": {"input": 1}}'],
    ['MODEL_PRICES', '{"m": {"input": 1, "output": 1, "typo": 2}}'],
    ['CHAT_QUOTAS', '{"USERS": {"requestsPerDay": 1}}'],
    ['CHAT_QUOTAS', '{"USER": {"requestsPerDay": 1.5}}'],
  ]) {
    assert.throws(
      () => loadConfig({ [name as string]: value }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, new RegExp(`^Invalid configuration: ${name}`));
        return true;
      },
    );
  }
});
