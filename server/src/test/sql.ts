import { Client } from 'pg';

/** Runs one statement straight on Postgres (the test database unless `url` says otherwise), as an operator would. */
export async function sql(query: string, params: unknown[], url = process.env.TEST_DATABASE_URL): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(query, params);
  } finally {
    await db.end();
  }
}
