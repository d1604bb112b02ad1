import { Client } from 'pg';

/** The same server as `databaseUrl`, but the named database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createDatabase(databaseUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replaceAll('"', '')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
