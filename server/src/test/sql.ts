import { Client } from 'pg';

/**
 * Runs one statement straight on Postgres (the test database unless `url` says otherwise), as an operator would,
 * and returns its rows.
 */
export async function sql<Row = Record<string, unknown>>(
  query: string,
  params: unknown[],
  url = process.env.TEST_DATABASE_URL,
): Promise<Row[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(query, params)).rows as Row[];
  } finally {
    await db.end();
  }
}
