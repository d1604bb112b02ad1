// `npm run export -- --study demo --format csv|jsonl [--out file]`: a study's data from DATABASE_URL.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { createDb } from '../db/client';
import { exportRows, formatRows } from './export';
import { StudyCatalog } from './study-catalog';

async function main() {
  const { values } = parseArgs({
    options: { study: { type: 'string' }, format: { type: 'string', default: 'csv' }, out: { type: 'string' } },
  });
  const format = values.format?.toUpperCase();
  if (!values.study || (format !== 'CSV' && format !== 'JSONL'))
    throw new Error('usage: npm run export -- --study <slug> --format csv|jsonl [--out file]');
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL)
    throw new Error(
      'DATABASE_URL is not set (the embedded database: postgresql://parley:parley@127.0.0.1:54329/parley).',
    );
  const study = StudyCatalog.load(config.STUDIES_DIR, { code: config.PROLIFIC_CODE, url: config.PROLIFIC_URL }).get(
    values.study,
  );
  if (!study) throw new Error(`There is no study ${values.study} in ${config.STUDIES_DIR}.`);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  try {
    const text = formatRows(await exportRows(db, study), format);
    if (values.out) {
      await writeFile(values.out, text);
      console.error(`Wrote ${values.out}`);
    } else {
      process.stdout.write(text);
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
