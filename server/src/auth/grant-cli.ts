// `npm run user:grant -- <username> <researcher|admin|user>`: sets a user's role in DATABASE_URL.
import { loadConfigOrExit } from '../config';
import { createDb } from '../db/client';
import { Role } from '../generated/prisma/enums';

async function main() {
  const [username, roleName] = process.argv.slice(2);
  const role = roleName?.toUpperCase();
  if (!username || !role || !(role in Role))
    throw new Error('usage: npm run user:grant -- <username> <researcher|admin|user>');
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL)
    throw new Error(
      'DATABASE_URL is not set (the embedded database: postgresql://parley:parley@127.0.0.1:54329/parley).',
    );
  const db = createDb(config.DATABASE_URL);
  try {
    const { count } = await db.user.updateMany({ where: { username, isBot: false }, data: { role: role as Role } });
    if (!count) throw new Error(`There is no user ${username}.`);
    console.log(`${username} is now ${role}.`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
