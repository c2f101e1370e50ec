import { Client } from 'pg';

import { ConfigError, redactUrl, validatePostgresUrl } from './env';

/** Databases tried, in order, when we need "some other database" on the same server. */
export const MAINTENANCE_DATABASES = ['postgres', 'template1'] as const;

export interface PostgresTarget {
  /** The URL as given (may contain `?schema=`). */
  url: string;
  /** The URL handed to `pg` (without Prisma's `schema` parameter). */
  connectionString: string;
  database: string;
  /** Prisma's `?schema=` parameter; `public` when absent. */
  schema: string;
  /** host:port for messages. */
  server: string;
}

/** Parses a PostgreSQL URL the way Prisma reads it (the `schema` parameter selects the schema). */
export function parseTarget(url: string, source?: string): PostgresTarget {
  const parsed = validatePostgresUrl(url, source);
  const schema = parsed.searchParams.get('schema') || 'public';
  parsed.searchParams.delete('schema');
  return {
    url,
    connectionString: parsed.toString(),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    schema,
    server: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  parsed.searchParams.delete('schema');
  return parsed.toString();
}

/** Double-quotes an identifier for PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface PgErrorLike {
  code?: string;
  message: string;
}

export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as PgErrorLike).code === 'string'
    ? (error as PgErrorLike).code
    : undefined;
}

/** Opens a `pg` client, turning connection failures into one-line, credential-free errors. */
export async function connect(connectionString: string, what: string): Promise<Client> {
  const client = new Client({
    connectionString,
    application_name: 'boxoffice-db-migrate',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client whose server goes away emits 'error'; without a listener that kills the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, connectionString, what);
  }
  return client;
}

export function connectionError(error: unknown, connectionString: string, what: string): Error {
  const code = pgErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const where = redactUrl(connectionString);
  let text: string;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      text = `cannot reach PostgreSQL for ${what} at ${where} (${code})`;
      break;
    case '28P01':
    case '28000':
      text = `PostgreSQL rejected the credentials for ${what} at ${where}: ${message}`;
      break;
    case '3D000':
      text = `database for ${what} does not exist at ${where}`;
      break;
    default:
      text = `cannot connect to PostgreSQL for ${what} at ${where}: ${message}`;
  }
  const wrapped = new ConfigError(text);
  (wrapped as { cause?: unknown }).cause = error;
  (wrapped as { code?: string }).code = code;
  return wrapped;
}

/**
 * Connects to a maintenance database on the server of `url` (postgres, then template1), the way
 * Prisma does to create or drop databases. The caller must `end()` the client.
 */
export async function connectMaintenance(url: string, what: string): Promise<Client> {
  let lastError: unknown;
  for (const database of MAINTENANCE_DATABASES) {
    try {
      return await connect(withDatabase(url, database), what);
    } catch (error) {
      lastError = error;
      // Only fall through to the next candidate when this database is missing or not allowed.
      const code = (error as { code?: string }).code;
      if (code !== '3D000' && code !== '42501' && code !== '28000') throw error;
    }
  }
  throw lastError;
}

/** Whether the target database exists (connects to a maintenance database to look). */
export async function databaseExists(url: string): Promise<boolean> {
  const target = parseTarget(url);
  const admin = await connectMaintenance(url, `checking database "${target.database}"`);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    return (rowCount ?? 0) > 0;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Creates the target database when it does not exist yet. Safe against concurrent callers.
 * Returns true when this call created it.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = parseTarget(url);
  // Fast path: the database is there and reachable.
  try {
    const client = await connect(target.connectionString, `database "${target.database}"`);
    await client.end().catch(() => undefined);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const admin = await connectMaintenance(url, `creating database "${target.database}"`);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    if ((rowCount ?? 0) > 0) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
      return true;
    } catch (error) {
      const code = pgErrorCode(error);
      // 42P04 duplicate_database; 23505 when two CREATE DATABASE race on pg_database's unique index.
      if (code === '42P04' || code === '23505') return false;
      if (code === '42501') {
        throw new ConfigError(
          `database "${target.database}" does not exist on ${target.server} and this user may not create it (needs CREATEDB)`,
        );
      }
      throw error;
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Drops a database, terminating its sessions first (PostgreSQL 13+). */
export async function dropDatabase(url: string, database: string): Promise<void> {
  const admin = await connectMaintenance(url, `dropping database "${database}"`);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
