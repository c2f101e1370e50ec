/**
 * Helpers for the *.int-spec.ts files: they need a PostgreSQL server, found through the same
 * variables as the services (DATABASE_URL_<SERVICE>, or DATABASE_HOST/PORT/USER/PASSWORD), and
 * work in throw-away databases (`dbmigrate_test_<random>`) and temporary copies of a service's
 * prisma/ directory, so they never touch boxoffice_<service>.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';

import { dropDatabase, withDatabase } from '../connection';
import { ConfigError, databaseUrlFor, SERVICES } from '../env';

/** A URL on the test server (any configured service's server), for `database`. */
export function testServerUrl(database = 'postgres'): string {
  const problems: string[] = [];
  for (const service of SERVICES) {
    try {
      return withDatabase(databaseUrlFor(service, process.env), database);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  throw new ConfigError(`integration tests need PostgreSQL: ${problems[0]}`);
}

export function uniqueDatabaseName(prefix = 'dbmigrate_test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A fresh (not yet existing) database URL, dropped by `cleanup()`. */
export class TestDatabases {
  private readonly names: string[] = [];

  url(): string {
    const name = uniqueDatabaseName();
    this.names.push(name);
    return testServerUrl(name);
  }

  async cleanup(): Promise<void> {
    for (const name of this.names.splice(0)) {
      await dropDatabase(testServerUrl(), name);
    }
  }
}

/**
 * A temporary copy of a frozen prisma directory (schema.prisma + migrations/) shaped like a
 * service's: the outbox table only, so these tests do not follow the services' schema changes.
 */
export function copyPrismaDir(label: string): { dir: string; schemaPath: string; migrationsDir: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), `db-migrate-${label}-`));
  const dir = path.join(root, 'prisma');
  cpSync(path.join(__dirname, 'fixture', 'prisma'), dir, { recursive: true });
  return {
    dir,
    schemaPath: path.join(dir, 'schema.prisma'),
    migrationsDir: path.join(dir, 'migrations'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function listDatabases(): Promise<string[]> {
  return withClient(testServerUrl(), async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
}
