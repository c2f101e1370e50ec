import { defineConfig } from 'prisma/config';

/**
 * Prisma 7 reads the connection from here (schema.prisma has no url). Same convention as
 * `databaseUrlFor('checkout')` in @boxoffice/db-migrate, repeated so this file needs nothing but
 * `prisma` (it is loaded by the Prisma CLI, e.g. `prisma migrate deploy` in a container image):
 * DATABASE_URL_CHECKOUT, or DATABASE_HOST / DATABASE_PORT (5432) / DATABASE_USER / DATABASE_PASSWORD
 * with the database boxoffice_checkout. Left undefined when unset, so `prisma generate` needs no database.
 */
function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env.DATABASE_URL_CHECKOUT?.trim();
  if (explicit) return explicit;
  const host = env.DATABASE_HOST?.trim();
  const user = env.DATABASE_USER?.trim();
  if (!host || !user) return undefined;
  const port = env.DATABASE_PORT?.trim() || '5432';
  const password = env.DATABASE_PASSWORD ?? '';
  const auth = password === '' ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `postgresql://${auth}@${hostPart}:${port}/boxoffice_checkout`;
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: databaseUrl(process.env) },
});
