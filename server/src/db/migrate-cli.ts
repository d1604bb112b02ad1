// `npm run db:migrate`: applies pending migrations to DATABASE_URL, like `prisma migrate deploy`.
import { applyMigrations } from './migrations';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(1);
}
applyMigrations(url).then(
  (applied) => console.log(applied.length ? `Applied ${applied.join(', ')}` : 'No pending migrations.'),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
