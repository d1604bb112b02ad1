import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { buildParleySchema } from './build-schema';
import { printSdl } from './print';

test('server/schema.graphql matches the type-graphql classes (run `npm run schema -w server` after changing the API)', async () => {
  const checkedIn = await readFile(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
  assert.equal(printSdl(await buildParleySchema()), checkedIn);
});
