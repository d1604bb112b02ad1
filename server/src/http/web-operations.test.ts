import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { getIntrospectionQuery, Kind, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../config';
import { buildParleySchema } from '../schema/build-schema';
import { resolverFields } from '../schema/resolver-fields';
import { validationRules } from './validation-rules';

/** The operations and fragments of the web app, as codegen collected them (web/src/gql/gql.ts). */
async function webDocuments(): Promise<string[]> {
  const source = await readFile(path.resolve(__dirname, '../../../web/src/gql/gql.ts'), 'utf8');
  const keys = source.slice(0, source.indexOf('};')).matchAll(/^\s+("\\n.*?"): typeof types\./gm);
  return [...keys].map((match) => JSON.parse(match[1] ?? '""') as string);
}

test("the web app's operations and GraphiQL's introspection pass the default armour at half its limits", async () => {
  const schema = await buildParleySchema();
  const defaults = loadConfig({});
  const half = {
    GRAPHQL_MAX_DEPTH: Math.floor(defaults.GRAPHQL_MAX_DEPTH / 2),
    GRAPHQL_MAX_ALIASES: Math.floor(defaults.GRAPHQL_MAX_ALIASES / 2),
    GRAPHQL_MAX_DIRECTIVES: Math.floor(defaults.GRAPHQL_MAX_DIRECTIVES / 2),
    GRAPHQL_MAX_COST: Math.floor(defaults.GRAPHQL_MAX_COST / 2),
  };
  const rules = [...specifiedRules, ...validationRules(half, resolverFields())];
  const documents = await webDocuments();
  const fragments = documents.filter((doc) => doc.trim().startsWith('fragment'));
  const operations = documents.filter((doc) => !doc.trim().startsWith('fragment'));
  assert.ok(operations.length >= 20, `${operations.length} operations found`);
  for (const operation of [...operations, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })]) {
    // Every fragment goes along (the unused are no concern here): tokens are counted generously.
    const text = [operation, ...fragments].join('\n');
    const document = parse(text, { maxTokens: Math.floor(defaults.GRAPHQL_MAX_TOKENS / 2) });
    const errors = validate(schema, document, rules).filter((e) => !/never used/.test(e.message));
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
      document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)?.name?.value ?? '',
    );
  }
});
