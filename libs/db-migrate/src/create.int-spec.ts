import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { createMigration } from './create';
import { deployMigrations } from './deploy';
import type { Logger } from './logger';
import { MIGRATION_LOCK_FILE, migrationLockfileContent } from './migrations-dir';
import { copyPrismaDir, listDatabases, TestDatabases, testServerUrl, withClient } from './testing/int-test-support';

jest.setTimeout(60_000);

const dbs = new TestDatabases();
afterAll(() => dbs.cleanup());

/** Collects log lines, to learn the shadow databases' names. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

function shadowNames(lines: string[]): string[] {
  return lines.flatMap((l) => /created shadow database (\S+)/.exec(l)?.[1] ?? []);
}

function ls(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('createMigration', () => {
  let prisma: ReturnType<typeof copyPrismaDir>;
  beforeEach(() => {
    prisma = copyPrismaDir('checkout');
  });
  afterEach(() => prisma.remove());

  it('writes nothing when schema.prisma matches the migrations (and drops the shadow database)', async () => {
    const before = ls(prisma.migrationsDir);
    const logger = recordingLogger();

    const result = await createMigration({ schemaPath: prisma.schemaPath, url: testServerUrl(), name: 'nothing', logger });

    expect(result.migrationName).toBeUndefined();
    expect(result.sql).toBeUndefined();
    expect(ls(prisma.migrationsDir)).toEqual(before);
    const shadows = shadowNames(logger.lines);
    expect(shadows).toHaveLength(1);
    expect(await listDatabases()).not.toContain(shadows[0]);
  });

  it('creates a migration from a schema change, which deploy then applies', async () => {
    const url = dbs.url();
    await deployMigrations({ schemaPath: prisma.schemaPath, url });
    const schema = readFileSync(prisma.schemaPath, 'utf-8');
    const changed = schema.replace(
      /(\n\s*lastError\s+String\?[^\n]*\n)/,
      '$1  /// Which relay instance claimed the row.\n  claimedBy   String?   @map("claimed_by")\n',
    );
    expect(changed).not.toBe(schema);
    writeFileSync(prisma.schemaPath, changed);
    const before = ls(prisma.migrationsDir);
    const logger = recordingLogger();

    const result = await createMigration({ schemaPath: prisma.schemaPath, url, name: 'Add claimedBy', logger });

    expect(result.migrationName).toMatch(/^\d{14}_add_claimed_by$/);
    const created = ls(prisma.migrationsDir).filter((d) => !before.includes(d));
    expect(created).toEqual([result.migrationName]);
    const sql = readFileSync(path.join(prisma.migrationsDir, result.migrationName as string, 'migration.sql'), 'utf-8');
    expect(sql).toBe(result.sql);
    expect(sql).toContain('-- AlterTable');
    expect(sql).toContain('ALTER TABLE "outbox_event" ADD COLUMN     "claimed_by" TEXT;');
    expect(readFileSync(path.join(prisma.migrationsDir, MIGRATION_LOCK_FILE), 'utf-8')).toBe(migrationLockfileContent());
    for (const shadow of shadowNames(logger.lines)) expect(await listDatabases()).not.toContain(shadow);

    const deployed = await deployMigrations({ schemaPath: prisma.schemaPath, url });
    expect(deployed.applied).toEqual([result.migrationName]);
    const columns = await withClient(url, async (c) =>
      (await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox_event'`)).rows.map(
        (r) => r.column_name,
      ),
    );
    expect(columns).toContain('claimed_by');

    // The history now matches the schema again.
    const again = await createMigration({ schemaPath: prisma.schemaPath, url, name: 'again' });
    expect(again.migrationName).toBeUndefined();
  });

  it('starts a history from scratch (no migrations directory), without CREATE SCHEMA noise', async () => {
    rmSync(prisma.migrationsDir, { recursive: true });

    const result = await createMigration({ schemaPath: prisma.schemaPath, url: testServerUrl(), name: 'init' });

    expect(ls(prisma.migrationsDir)).toEqual([result.migrationName, MIGRATION_LOCK_FILE]);
    expect(result.sql).toMatch(/^-- CreateTable\nCREATE TABLE "outbox_event"/);
    expect(result.sql).not.toContain('CREATE SCHEMA');
    expect(result.sql).toContain('CREATE INDEX "outbox_event_unpublished_idx" ON "outbox_event"("seq") WHERE (published_at IS NULL);');
  });

  it('returns the SQL without writing anything on a dry run', async () => {
    writeFileSync(prisma.schemaPath, readFileSync(prisma.schemaPath, 'utf-8').replace('@@map("outbox_event")', '@@index([createdAt])\n  @@map("outbox_event")'));
    const before = ls(prisma.migrationsDir);

    const result = await createMigration({ schemaPath: prisma.schemaPath, url: testServerUrl(), name: 'idx', dryRun: true });

    expect(result.sql).toContain('CREATE INDEX "outbox_event_created_at_idx" ON "outbox_event"("created_at");');
    expect(result.directory).toBeUndefined();
    expect(ls(prisma.migrationsDir)).toEqual(before);
  });

  it('reports schema errors from the engine', async () => {
    writeFileSync(prisma.schemaPath, `${readFileSync(prisma.schemaPath, 'utf-8')}\nmodel Broken {\n  id Nope @id\n}\n`);
    await expect(createMigration({ schemaPath: prisma.schemaPath, url: testServerUrl(), name: 'x' })).rejects.toThrow(/Nope/);
  });
});
