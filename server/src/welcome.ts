import { existsSync, readFileSync } from 'node:fs';
import type { Config } from './config';
import type { StudyCatalog } from './study/study-catalog';

interface SeedUser {
  username: string;
  password: string;
  role?: string;
}

function demoAccounts(config: Config): SeedUser[] {
  // The same rule as services.ts: seeded when asked, or always with the embedded database.
  const seeded = config.SEED_DEMO_USERS ?? !config.DATABASE_URL;
  if (!seeded || !existsSync(config.SEED_USERS_FILE)) return [];
  try {
    const users = JSON.parse(readFileSync(config.SEED_USERS_FILE, 'utf8')) as SeedUser[];
    return Array.isArray(users) ? users.filter((u) => typeof u.username === 'string') : [];
  } catch {
    return [];
  }
}

/** What `npm start` ends with: where Parley is, who can log in, and a link to each study. */
export function welcomeText(config: Config, url: string, catalog: StudyCatalog): string {
  const lines = ['', `Parley is running at ${url}`, `  GraphQL IDE: ${url}/graphql`];
  const accounts = demoAccounts(config);
  if (accounts.length) {
    lines.push('  Demo accounts (username / password):');
    for (const user of accounts)
      lines.push(`    ${user.username} / ${user.password}${user.role ? ` (${user.role.toLowerCase()})` : ''}`);
  }
  const studies = catalog.all();
  if (studies.length) {
    lines.push('  Studies (any 24 hexadecimal digits as the participant id):');
    for (const study of studies)
      lines.push(`    ${url}/study/${study.slug}?PROLIFIC_PID=0123456789abcdef01234567&STUDY_ID=demo&SESSION_ID=demo`);
    lines.push(`  Research dashboard: ${url}/research`);
  }
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}
