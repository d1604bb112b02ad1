import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { parseCredentials } from './credentials';
import { hashPassword } from './password';

const seedFile = z.array(
  z.object({
    username: z.string(),
    password: z.string(),
    role: z.enum(['USER', 'ADMIN', 'RESEARCHER']).default('USER'),
  }),
);

/** Creates the users of a seed file that do not exist yet; existing accounts are left as they are. */
export async function seedUsers(db: Db, file: string, log: Logger): Promise<number> {
  const parsed = seedFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.')}`,
    );
  let created = 0;
  for (const entry of parsed.data) {
    const { username, password } = parseCredentials(entry);
    if (await db.user.findUnique({ where: { username }, select: { id: true } })) continue;
    await db.user
      .create({ data: { username, passwordHash: await hashPassword(password), role: entry.role } })
      .catch(() => undefined);
    created += 1;
  }
  if (created) log.info({ file, created }, 'seeded demo users');
  return created;
}
