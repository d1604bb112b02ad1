import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { Pool } from 'pg';

type Bindings = typeof import('@prisma/schema-engine-wasm') & { __wbg_set_wasm(exports: unknown): void };
type WasmExports = Record<string, unknown> & { __wbindgen_start(): void };
// Node has WebAssembly, but its types live in lib.dom, which a server should not pull in.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }> };
};

let loaded: Promise<Bindings> | undefined;

/**
 * Prisma's schema engine as WebAssembly. The package's entry imports a `.wasm` file, which Node 20
 * cannot load without a flag, so the bindings are wired to the module by hand.
 */
function loadBindings(): Promise<Bindings> {
  loaded ??= (async () => {
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bg = (await import(path.join(dir, 'schema_engine_bg.js'))) as Bindings;
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return bg;
  })();
  return loaded;
}

/**
 * Runs `use` with a schema engine on the database. The pool is ours to end: the engine's migration
 * lock lives on its connection, and an open pool would hold it from every other process.
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  datamodel: { path: string; content: string },
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadBindings();
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await SchemaEngine.new({ datamodels: [[datamodel.path, datamodel.content]] }, () => {}, adapter);
  try {
    return await use(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}
