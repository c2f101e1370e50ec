import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { deployMigrations } from '@boxoffice/db-migrate';
import { databaseUrl, StackEnv } from '@boxoffice/testing';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Notifications for these events, one row per notification. */
  notificationsFor(eventIds: string[]): Promise<Array<{ source_event_id: string; id: string; status: string; attempts: number }>>;
  drop(): Promise<void>;
}

/** A fresh, migrated notify database for one test file (or one benchmark run), dropped afterwards. */
export async function freshNotifyDatabase(stack: StackEnv, label: string): Promise<TestDatabase> {
  const name = `notify_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const url = databaseUrl(stack, name);
  await deployMigrations({ service: 'notify', url });
  const pool = new Pool({ connectionString: url, max: 3 });
  return {
    name,
    url,
    pool,
    async notificationsFor(eventIds) {
      const { rows } = await pool.query('SELECT source_event_id, id, status, attempts FROM notification WHERE source_event_id = ANY($1::uuid[])', [eventIds]);
      return rows;
    },
    async drop() {
      await pool.end();
      const admin = new Pool({ connectionString: databaseUrl(stack, 'postgres'), max: 1 });
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
