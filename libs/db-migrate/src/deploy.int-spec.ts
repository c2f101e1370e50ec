import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { ensureDatabase } from './connection';
import { deployMigrations, MigrationFailedError, MigrationHistoryError } from './deploy';
import { type MigrationRecord, PRISMA_ADVISORY_LOCK_KEY } from './history';
import { computeChecksum, readMigrationsDirectory } from './migrations-dir';
import { migrationStatus } from './status';
import { copyPrismaDir, TestDatabases, withClient } from './testing/int-test-support';

jest.setTimeout(60_000);

const dbs = new TestDatabases();
afterAll(() => dbs.cleanup());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function rows(url: string): Promise<MigrationRecord[]> {
  return withClient(url, async (c) => (await c.query<MigrationRecord>('SELECT * FROM _prisma_migrations ORDER BY started_at')).rows);
}

describe('deployMigrations', () => {
  let prisma: ReturnType<typeof copyPrismaDir>;
  beforeEach(() => {
    prisma = copyPrismaDir('checkout');
  });
  afterEach(() => prisma.remove());

  function addMigration(name: string, sql: string): string {
    const dir = path.join(prisma.migrationsDir, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'migration.sql'), sql);
    return dir;
  }

  it('creates the database, applies every migration and records them like Prisma', async () => {
    const url = dbs.url();
    const local = await readMigrationsDirectory(prisma.migrationsDir);
    expect(local.migrations.length).toBeGreaterThan(0);
    const before = new Date();

    const result = await deployMigrations({ schemaPath: prisma.schemaPath, url });

    expect(result.databaseCreated).toBe(true);
    expect(result.applied).toEqual(local.migrations.map((m) => m.name));
    expect(result.alreadyApplied).toEqual([]);

    const recorded = await rows(url);
    expect(recorded.map((r) => r.migration_name)).toEqual(result.applied);
    for (const [i, r] of recorded.entries()) {
      const file = readFileSync(path.join(prisma.migrationsDir, r.migration_name, 'migration.sql'), 'utf-8');
      expect(r.id).toMatch(UUID_V4);
      expect(r.checksum).toBe(computeChecksum(file));
      expect(r.checksum).toBe(local.migrations[i].checksum);
      expect(r.logs).toBeNull();
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
      expect(r.started_at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      expect(r.finished_at?.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
    }

    // The table is the engine's, column for column.
    const columns = await withClient(url, async (c) =>
      (
        await c.query(
          `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
             FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        )
      ).rows,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);

    // And the migration really ran.
    const tables = await withClient(url, async (c) =>
      (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename),
    );
    expect(tables).toEqual(['_prisma_migrations', 'outbox_event']);
    expect((await migrationStatus({ schemaPath: prisma.schemaPath, url })).upToDate).toBe(true);
  });

  it('is idempotent', async () => {
    const url = dbs.url();
    const first = await deployMigrations({ schemaPath: prisma.schemaPath, url });
    const before = await rows(url);

    const second = await deployMigrations({ schemaPath: prisma.schemaPath, url });

    expect(second).toMatchObject({ databaseCreated: false, applied: [], alreadyApplied: first.applied });
    expect(await rows(url)).toEqual(before);
  });

  it('applies only the new migration on a later deploy', async () => {
    const url = dbs.url();
    await deployMigrations({ schemaPath: prisma.schemaPath, url });
    addMigration('29990101000000_add_note', 'ALTER TABLE "outbox_event" ADD COLUMN "note" TEXT;\n');

    const result = await deployMigrations({ schemaPath: prisma.schemaPath, url });

    expect(result.applied).toEqual(['29990101000000_add_note']);
    expect((await rows(url)).map((r) => r.migration_name)).toContain('29990101000000_add_note');
  });

  it('refuses to deploy when an applied migration was edited, and status reports it', async () => {
    const url = dbs.url();
    const { applied } = await deployMigrations({ schemaPath: prisma.schemaPath, url });
    appendFileSync(path.join(prisma.migrationsDir, applied[0], 'migration.sql'), '\n-- sneaky edit\n');
    addMigration('29990101000000_never', 'CREATE TABLE "never_applied" (id INT);\n');

    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).rejects.toThrow(MigrationHistoryError);
    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).rejects.toThrow(
      new RegExp(`modified after they were applied.*${applied[0]}`),
    );
    expect((await rows(url)).map((r) => r.migration_name)).not.toContain('29990101000000_never');

    const status = await migrationStatus({ schemaPath: prisma.schemaPath, url });
    expect(status.upToDate).toBe(false);
    expect(status.migrations.find((m) => m.name === applied[0])?.state).toBe('modified');
    expect(status.migrations.find((m) => m.name === '29990101000000_never')?.state).toBe('pending');
  });

  it('accepts a migration whose line endings changed (CRLF ↔ LF), like Prisma', async () => {
    const url = dbs.url();
    const { applied } = await deployMigrations({ schemaPath: prisma.schemaPath, url });
    const file = path.join(prisma.migrationsDir, applied[0], 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf-8').replace(/\n/g, '\r\n'));

    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).resolves.toMatchObject({ applied: [] });
  });

  it('records a failing migration and refuses later deploys until it is resolved', async () => {
    const url = dbs.url();
    await deployMigrations({ schemaPath: prisma.schemaPath, url });
    addMigration('29990101000000_broken', 'CREATE TABLE "half" (id INT);\nSELECT * FROM "no_such_table";\n');

    const failure = await deployMigrations({ schemaPath: prisma.schemaPath, url }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({ migrationName: '29990101000000_broken', databaseErrorCode: '42P01' });

    const broken = (await rows(url)).find((r) => r.migration_name === '29990101000000_broken');
    expect(broken).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(broken?.logs).toContain('Database error code: 42P01');
    expect(broken?.logs).toContain('no_such_table');
    // The script ran as one implicit transaction: its first statement was rolled back too.
    const half = await withClient(url, async (c) => (await c.query(`SELECT to_regclass('public.half') AS t`)).rows[0].t);
    expect(half).toBeNull();

    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).rejects.toThrow(
      /failed migration\(s\).*29990101000000_broken/,
    );
    expect((await migrationStatus({ schemaPath: prisma.schemaPath, url })).migrations.at(-1)?.state).toBe('failed');

    // What `prisma migrate resolve --rolled-back` does; then a fixed script goes through.
    await withClient(url, (c) =>
      c.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29990101000000_broken'`),
    );
    writeFileSync(path.join(prisma.migrationsDir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id INT);\n');
    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).resolves.toMatchObject({
      applied: ['29990101000000_broken'],
    });
    const records = (await rows(url)).filter((r) => r.migration_name === '29990101000000_broken');
    expect(records).toHaveLength(2);
  });

  it('refuses a non-empty schema without migration history (P3005)', async () => {
    const url = dbs.url();
    await ensureDatabase(url);
    await withClient(url, (c) => c.query('CREATE TABLE "legacy" (id INT)'));

    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).rejects.toThrow(/not empty.*legacy/);
  });

  it('is safe to run concurrently: every migration is applied exactly once', async () => {
    const url = dbs.url();
    addMigration('29990101000000_slow', 'SELECT pg_sleep(0.3);\nCREATE TABLE "slow" (id INT);\n');

    const results = await Promise.all(
      Array.from({ length: 4 }, () => deployMigrations({ schemaPath: prisma.schemaPath, url, lockTimeoutMs: 30_000 })),
    );

    const local = (await readMigrationsDirectory(prisma.migrationsDir)).migrations.map((m) => m.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...local].sort());
    expect(results.filter((r) => r.databaseCreated)).toHaveLength(1);
    expect((await rows(url)).map((r) => r.migration_name)).toEqual(local);
  });

  it('waits for the advisory lock Prisma uses, and times out clearly', async () => {
    const url = dbs.url();
    await ensureDatabase(url);
    await withClient(url, async (holder) => {
      await holder.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
      await expect(deployMigrations({ schemaPath: prisma.schemaPath, url, lockTimeoutMs: 500 })).rejects.toThrow(
        /timed out .* waiting for the migration lock/,
      );
    });
    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).resolves.toMatchObject({
      applied: expect.arrayContaining([expect.any(String)]),
    });
  });
});
