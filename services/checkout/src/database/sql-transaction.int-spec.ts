import { createPgPool } from '@boxoffice/database';
import { requireStackEnv } from '@boxoffice/testing';
import type { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { inTransaction } from './sql-transaction';

const stack = requireStackEnv();

describe('inTransaction when the database ends the connection (as a restart does)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase(stack, 'checkout_tx');
    pool = createPgPool({ url: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('rejects the transaction instead of ending the process, and the pool serves the next one', async () => {
    const attempt = inTransaction(pool, async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      // Ended from outside while this connection sits checked out between two statements.
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 1');
    });
    await expect(attempt).rejects.toThrow(/terminat|not queryable|Connection/i);

    expect(await inTransaction(pool, async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0].one)).toBe(1);
  });
});
