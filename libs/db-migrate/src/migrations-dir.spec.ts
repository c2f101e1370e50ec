import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { destructiveChangeWarnings, toEngineMigrationList } from './create';
import {
  assertPostgresLockfile,
  assertReadable,
  computeChecksum,
  formatMigrationTimestamp,
  migrationLockfileContent,
  readLockfileProvider,
  readMigrationsDirectory,
  scriptMatchesChecksum,
  slugifyMigrationName,
} from './migrations-dir';

describe('computeChecksum', () => {
  it('matches the schema engine (render_checksum("hello"), from its own unit test)', () => {
    expect(computeChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  it('is 64 zero-padded hex digits', () => {
    expect(computeChecksum('abcd')).toMatch(/^[0-9a-f]{64}$/);
    // sha256("") starts with e3b0…; a leading zero byte must be kept, e.g. for this input:
    const withLeadingZero = Array.from({ length: 2000 }, (_, i) => `x${i}`).find((s) => computeChecksum(s).startsWith('0'));
    expect(withLeadingZero).toBeDefined();
    expect(computeChecksum(withLeadingZero as string)).toHaveLength(64);
  });

  it('hashes the UTF-8 bytes of the script, as read by the Prisma CLI (values from sha256sum)', () => {
    expect(computeChecksum('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
    expect(computeChecksum('-- CreateTable\nCREATE TABLE "a" ("id" INTEGER NOT NULL);\n')).toBe(
      '007e488977471e1f6101379531369eecf78383093e5e29fc5803b06898e4071e',
    );
    // A byte-order mark is part of the script (fs.readFile(…, 'utf-8') keeps it as U+FEFF).
    expect(computeChecksum('\ufeffSELECT 1;\n')).toBe('34b0bcbe990d70cd4adde7a8005ade4334f170e0625d767d78872a66515dec8a');
  });
});

describe('scriptMatchesChecksum (engine checksum::script_matches_checksum)', () => {
  it('is line-ending agnostic, like the engine test', () => {
    const groups = [
      ['ab\ncd\nef\ngh\rab', 'ab\r\ncd\r\nef\r\ngh\rab'],
      ['ab\ncd\nef\ngh\rab\n', 'ab\r\ncd\r\nef\r\ngh\rab\r\n'],
    ];
    for (const group of groups) {
      for (const script of group) {
        for (const other of group) {
          expect(scriptMatchesChecksum(script, computeChecksum(other))).toBe(true);
        }
      }
    }
  });

  it('rejects other content', () => {
    expect(scriptMatchesChecksum('abc', computeChecksum('abcd'))).toBe(false);
    expect(scriptMatchesChecksum('abc\n', computeChecksum('abc'))).toBe(false);
  });

  it('accepts the legacy non-zero-padded format older engines stored', () => {
    const script = Array.from({ length: 2000 }, (_, i) => `select ${i};`).find((s) =>
      Buffer.from(computeChecksum(s), 'hex').some((byte) => byte < 16),
    ) as string;
    const legacy = Array.from(Buffer.from(computeChecksum(script), 'hex'), (b) => b.toString(16)).join('');
    expect(legacy.length).toBeLessThan(64);
    expect(scriptMatchesChecksum(script, legacy)).toBe(true);
    expect(scriptMatchesChecksum(`${script} `, legacy)).toBe(false);
  });
});

describe('readMigrationsDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'db-migrate-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const add = (name: string, sql?: string) => {
    mkdirSync(path.join(dir, name));
    if (sql !== undefined) writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  };

  it('lists sub-directories in name order with their script and checksum, ignoring files', async () => {
    add('20240102000000_second', 'SELECT 2;\n');
    add('20240101000000_first', 'SELECT 1;\n');
    writeFileSync(path.join(dir, 'migration_lock.toml'), migrationLockfileContent());
    writeFileSync(path.join(dir, 'README.md'), 'not a migration');

    const result = await readMigrationsDirectory(dir);
    expect(result.exists).toBe(true);
    expect(result.migrations.map((m) => m.name)).toEqual(['20240101000000_first', '20240102000000_second']);
    expect(result.migrations[0]).toMatchObject({
      script: 'SELECT 1;\n',
      checksum: computeChecksum('SELECT 1;\n'),
      directory: path.join(dir, '20240101000000_first'),
    });
    expect(readLockfileProvider(result.lockfile.content)).toBe('postgresql');
    expect(() => assertReadable(result)).not.toThrow();
    expect(() => assertPostgresLockfile(result)).not.toThrow();
  });

  it('reports a migration directory without migration.sql', async () => {
    add('20240101000000_empty');
    const result = await readMigrationsDirectory(dir);
    expect(result.migrations[0].readError).toBeDefined();
    expect(() => assertReadable(result)).toThrow(/20240101000000_empty/);
    const list = toEngineMigrationList(result);
    expect(list.migrationDirectories[0].migrationFile.content.tag).toBe('error');
  });

  it('treats a missing directory as an empty history', async () => {
    const result = await readMigrationsDirectory(path.join(dir, 'nope'));
    expect(result).toMatchObject({ exists: false, migrations: [], lockfile: { content: null } });
  });

  it('refuses a lock file for another provider (P3019)', async () => {
    writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    const result = await readMigrationsDirectory(dir);
    expect(() => assertPostgresLockfile(result)).toThrow(/"mysql"/);
  });

  it('builds the engine migration list the way the Prisma CLI does', async () => {
    add('20240101000000_first', 'SELECT 1;\n');
    const list = toEngineMigrationList(await readMigrationsDirectory(dir));
    expect(list).toEqual({
      baseDir: dir,
      lockfile: { path: 'migration_lock.toml', content: migrationLockfileContent('postgresql') },
      shadowDbInitScript: '',
      migrationDirectories: [
        { path: '20240101000000_first', migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 1;\n' } } },
      ],
    });
  });
});

describe('lock file', () => {
  it('is written exactly as the Prisma CLI writes it', () => {
    expect(migrationLockfileContent('postgresql')).toBe(
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  });

  it('is read like the engine reads it', () => {
    expect(readLockfileProvider(null)).toBeUndefined();
    expect(readLockfileProvider('# x\nprovider = "postgresql"\n')).toBe('postgresql');
    expect(readLockfileProvider('# x\r\nprovider = "postgresql"\r\n')).toBe('postgresql');
    expect(readLockfileProvider('# nothing\n')).toBe('<PROVIDER NOT FOUND>');
  });
});

describe('migration names', () => {
  it('are slugified like `prisma migrate dev --name`', () => {
    expect(slugifyMigrationName('init')).toBe('init');
    expect(slugifyMigrationName('Add outbox')).toBe('add_outbox');
    expect(slugifyMigrationName('addFooBar')).toBe('add_foo_bar');
    expect(slugifyMigrationName('  --add  -- column!! ')).toBe('add_column');
    expect(slugifyMigrationName('Crème brûlée')).toBe('creme_brulee');
    expect(slugifyMigrationName('!!!')).toBe('');
    expect(slugifyMigrationName('x'.repeat(300))).toHaveLength(200);
  });

  it('get the engine timestamp prefix (UTC, YYYYMMDDHHMMSS)', () => {
    expect(formatMigrationTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('20260102030405');
  });
});

describe('destructiveChangeWarnings', () => {
  it('flags what migrate dev would warn about, and not new tables', () => {
    const sql = [
      'DROP TABLE "old";',
      'ALTER TABLE "t" DROP COLUMN "gone",\nADD COLUMN "needed" TEXT NOT NULL,\nADD COLUMN "fine" TEXT NOT NULL DEFAULT \'x\';',
      'ALTER TABLE "t" ALTER COLUMN "n" SET DATA TYPE BIGINT;',
      'CREATE TABLE "fresh" ("id" INTEGER NOT NULL);',
      'CREATE UNIQUE INDEX "fresh_id_key" ON "fresh"("id");',
      'CREATE UNIQUE INDEX "t_email_key" ON "t"("email");',
    ].join('\n\n');
    const warnings = destructiveChangeWarnings(sql);
    expect(warnings).toEqual([
      expect.stringContaining('drop the `old` table'),
      expect.stringContaining('drop the column `gone`'),
      expect.stringContaining('required column `needed`'),
      expect.stringContaining('alter the column `n`'),
      expect.stringContaining('`[email]` on the table `t`'),
    ]);
    expect(destructiveChangeWarnings('-- CreateTable\nCREATE TABLE "x" ("id" INTEGER NOT NULL);\n')).toEqual([]);
  });
});
