// `npm run db:seed`: loads prisma/seed-users.json (or SEED_USERS_FILE) into DATABASE_URL.
import { loadConfig } from '../config';
import { createDb } from '../db/client';
import { createLogger } from '../logger';
import { seedUsers } from './seed';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error('DATABASE_URL is not set (the embedded database seeds itself on `npm start`).');
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  try {
    const created = await seedUsers(db, config.SEED_USERS_FILE, createLogger('warn'));
    console.log(`Seeded ${created} user(s) from ${config.SEED_USERS_FILE}.`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
