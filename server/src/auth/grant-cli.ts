// `npm run user:grant -- <username> <researcher|admin|user>`: sets a user's role in DATABASE_URL.
// A change ends the user's sessions at once (they log in again with the new role): with REDIS_URL the
// revocation is published to every API process, which closes their sockets; in single-node mode the
// API's per-request check and its periodic socket check (SESSION_CHECK_SECONDS) see it in Postgres.
import { loadConfigOrExit } from '../config';
import { createDb } from '../db/client';
import { Role } from '../generated/prisma/enums';
import { createLogger } from '../logger';
import { createPubSub } from '../pubsub';
import { REVOCATIONS_TOPIC, type Revocation } from './revocations';
import { DbTokenStore } from './token-store';

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
  const log = createLogger('warn');
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const pubsub = createPubSub(config.REDIS_URL, config.REDIS_PREFIX, log);
  try {
    // username is citext: any case finds the account.
    const user = await db.user.findUnique({ where: { username } });
    if (!user || user.isBot) throw new Error(`There is no user ${username}.`);
    if (user.role === role) {
      console.log(`${user.username} is already ${role}.`);
      return;
    }
    await db.user.update({ where: { id: user.id }, data: { role: role as Role } });
    const store = new DbTokenStore(db);
    const ended = await store.revokeUser(user.id);
    await pubsub.publish(REVOCATIONS_TOPIC, { userId: user.id } satisfies Revocation);
    console.log(`${user.username} is now ${role}; ${ended} session(s) ended.`);
  } finally {
    await pubsub.close().catch(() => undefined);
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
