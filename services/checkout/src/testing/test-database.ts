import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { deployMigrations } from '@boxoffice/db-migrate';
import { databaseUrl, StackEnv } from '@boxoffice/testing';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs one query on a short-lived connection (assertions, fixtures). */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A brand-new database with checkout's migrations applied; drop() removes it. */
export async function createTestDatabase(stack: StackEnv, prefix = 'checkout_int'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const url = databaseUrl(stack, name);
  await deployMigrations({ service: 'checkout', url });
  const withClient = async <T>(target: string, fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: target });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    url,
    query: (sql, params) => withClient(url, async (c) => (await c.query(sql, params)).rows),
    drop: () => withClient(databaseUrl(stack, 'postgres'), async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
