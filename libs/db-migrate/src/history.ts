import type { Client } from 'pg';

import { pgErrorCode, quoteIdent } from './connection';

/**
 * The `_prisma_migrations` table and the advisory lock, as the Prisma schema engine
 * (sql-schema-connector, PostgreSQL flavour) defines and uses them.
 */

export const MIGRATIONS_TABLE = '_prisma_migrations';

/** The key Prisma Migrate locks with `pg_advisory_lock` ("a unique number we chose to identify Migrate"). */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** Prisma waits 10 s for the lock before giving up; so do we unless told otherwise. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** Tables the engine ignores when deciding whether a schema is "empty" (PostGIS). */
const IGNORED_TABLES = new Set(['spatial_ref_sys']);

/** Verbatim column definitions of the engine's `create_migrations_table` for PostgreSQL. */
export function createMigrationsTableSql(schema: string): string {
  return `CREATE TABLE ${quoteIdent(schema)}.${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;
}

export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

export function table(schema: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`;
}

/** Names of the ordinary tables in `schema` (the engine's `table_names`: relkind 'r'). */
export async function tableNames(client: Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT tbl.relname AS table_name
       FROM pg_class AS tbl
       JOIN pg_namespace AS namespace ON namespace.oid = tbl.relnamespace
      WHERE tbl.relkind = 'r' AND namespace.nspname = $1`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

export async function migrationsTableExists(client: Client, schema: string): Promise<boolean> {
  return (await tableNames(client, schema)).includes(MIGRATIONS_TABLE);
}

/**
 * The engine's `MigrationPersistence::initialize`: nothing to do when the table exists; create it
 * when the schema has no other tables; refuse (P3005) when the schema holds tables but no history.
 */
export async function initializeMigrationsTable(client: Client, schema: string, label: string): Promise<boolean> {
  const names = await tableNames(client, schema);
  if (names.includes(MIGRATIONS_TABLE)) return false;
  const others = names.filter((n) => !IGNORED_TABLES.has(n));
  if (others.length > 0) {
    throw new Error(
      `the database schema "${schema}" of ${label} is not empty but has no ${MIGRATIONS_TABLE} table ` +
        `(tables: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}); ` +
        `refusing to apply migrations over it (Prisma error P3005; baseline it first)`,
    );
  }
  await client.query(createMigrationsTableSql(schema));
  return true;
}

/** All records ordered by `started_at`, like the engine's `load_migrations_table`. */
export async function loadMigrationRecords(client: Client, schema: string): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM ${table(schema)} ORDER BY started_at ASC`,
  );
  return rows;
}

/**
 * Takes Prisma Migrate's session-level advisory lock, waiting at most `timeoutMs`.
 * Held until `releaseAdvisoryLock` or the end of the session. Advisory locks are per database,
 * so this excludes concurrent `prisma migrate deploy` runs and our own.
 */
export async function acquireAdvisoryLock(client: Client, timeoutMs: number, label: string): Promise<void> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
  } catch (error) {
    if (pgErrorCode(error) === '55P03') {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the migration lock ` +
          `(pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})) on ${label}: another migration run holds it`,
      );
    }
    throw error;
  } finally {
    await client.query('RESET lock_timeout').catch(() => undefined);
  }
}

export async function releaseAdvisoryLock(client: Client): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`);
}
