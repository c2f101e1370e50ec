/**
 * Cross-checks deployMigrations with Prisma's own migration code: the schema engine (the same
 * Rust `schema-core` the native binary runs, here compiled to wasm) reads what we wrote, and we
 * read what it wrote.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { ensureDatabase } from './connection';
import { toEngineMigrationList } from './create';
import { deployMigrations } from './deploy';
import { readMigrationsDirectory } from './migrations-dir';
import { withSchemaEngine } from './schema-engine';
import { migrationStatus } from './status';
import { copyPrismaDir, TestDatabases, testServerUrl, withClient } from './testing/int-test-support';

jest.setTimeout(60_000);

const dbs = new TestDatabases();
afterAll(() => dbs.cleanup());

const filters = { externalTables: [], externalEnums: [] };

async function engineDiagnose(url: string, migrationsDir: string) {
  const list = toEngineMigrationList(await readMigrationsDirectory(migrationsDir));
  return withSchemaEngine({ mainUrl: url, serverUrl: testServerUrl() }, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters }),
  );
}

async function engineApply(url: string, migrationsDir: string) {
  const list = toEngineMigrationList(await readMigrationsDirectory(migrationsDir));
  return withSchemaEngine({ mainUrl: url, serverUrl: testServerUrl() }, (engine) =>
    engine.applyMigrations({ migrationsList: list, filters }),
  );
}

async function describeTable(url: string) {
  return withClient(url, async (c) =>
    (
      await c.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      )
    ).rows,
  );
}

async function records(url: string) {
  return withClient(url, async (c) =>
    (
      await c.query(
        `SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count,
                finished_at IS NOT NULL AS finished, finished_at >= started_at AS ordered
           FROM _prisma_migrations ORDER BY started_at`,
      )
    ).rows,
  );
}

describe('compatibility with Prisma Migrate (schema engine)', () => {
  let prisma: ReturnType<typeof copyPrismaDir>;
  beforeEach(() => {
    prisma = copyPrismaDir('checkout');
    const dir = path.join(prisma.migrationsDir, '29990101000000_second');
    mkdirSync(dir);
    writeFileSync(dir + '/migration.sql', '-- AlterTable\nALTER TABLE "outbox_event" ADD COLUMN "note" TEXT;\n');
  });
  afterEach(() => prisma.remove());

  it('Prisma sees our deploy as complete and unmodified', async () => {
    const url = dbs.url();
    await deployMigrations({ schemaPath: prisma.schemaPath, url });

    await expect(engineDiagnose(url, prisma.migrationsDir)).resolves.toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    // Prisma would apply nothing more.
    await expect(engineApply(url, prisma.migrationsDir)).resolves.toEqual({ appliedMigrationNames: [] });

    appendFileSync(path.join(prisma.migrationsDir, '29990101000000_second', 'migration.sql'), '-- edited\n');
    await expect(engineDiagnose(url, prisma.migrationsDir)).resolves.toMatchObject({
      editedMigrationNames: ['29990101000000_second'],
    });
  });

  it('we see Prisma\'s deploy as complete, and write the same table and rows', async () => {
    const ours = dbs.url();
    const theirs = dbs.url();
    await deployMigrations({ schemaPath: prisma.schemaPath, url: ours });
    await ensureDatabase(theirs);
    const applied = await engineApply(theirs, prisma.migrationsDir);
    expect(applied.appliedMigrationNames).toHaveLength(2);

    const result = await deployMigrations({ schemaPath: prisma.schemaPath, url: theirs });
    expect(result).toMatchObject({ applied: [], alreadyApplied: applied.appliedMigrationNames });
    expect((await migrationStatus({ schemaPath: prisma.schemaPath, url: theirs })).upToDate).toBe(true);

    expect(await describeTable(ours)).toEqual(await describeTable(theirs));
    expect(await records(ours)).toEqual(await records(theirs));
  });

  it('Prisma sees a migration that failed under us as failed', async () => {
    const url = dbs.url();
    const dir = path.join(prisma.migrationsDir, '29990102000000_broken');
    mkdirSync(dir);
    writeFileSync(dir + '/migration.sql', 'SELECT * FROM "missing";\n');
    await expect(deployMigrations({ schemaPath: prisma.schemaPath, url })).rejects.toThrow(/29990102000000_broken/);

    await expect(engineDiagnose(url, prisma.migrationsDir)).resolves.toMatchObject({
      failedMigrationNames: ['29990102000000_broken'],
    });
    await expect(engineApply(url, prisma.migrationsDir)).rejects.toThrow(/29990102000000_broken/);
  });
});
