import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { MigrationList } from '@prisma/schema-engine-wasm';

import { connectMaintenance, withDatabase } from './connection';
import { ConfigError } from './env';
import { type Logger, silentLogger } from './logger';
import {
  assertPostgresLockfile,
  formatMigrationTimestamp,
  MIGRATION_LOCK_FILE,
  MIGRATION_SCRIPT_FILE,
  migrationLockfileContent,
  type MigrationsDirectory,
  POSTGRES_PROVIDER,
  readMigrationsDirectory,
  slugifyMigrationName,
} from './migrations-dir';
import { type SchemaEngineWasmInfo, withSchemaEngine } from './schema-engine';
import { resolveTarget, resolveUrl, type TargetOptions } from './targets';

export interface CreateOptions extends TargetOptions {
  /** Migration name; normalised like `prisma migrate dev --name` (e.g. "Add fooBar" → add_foo_bar). */
  name: string;
  logger?: Logger;
  /** Generate and return the SQL without writing anything. */
  dryRun?: boolean;
}

export interface CreateResult {
  label: string;
  /** `<timestamp>_<name>` when a migration was (or, with dryRun, would be) created. */
  migrationName?: string;
  /** Directory written (undefined when nothing changed or dryRun). */
  directory?: string;
  /** The SQL; undefined when the schema matches the migrations. */
  sql?: string;
  durationMs: number;
  engine: SchemaEngineWasmInfo;
}

/** The engine's view of a migrations directory (what the Prisma CLI's `listMigrations` builds). */
export function toEngineMigrationList(dir: MigrationsDirectory, shadowDbInitScript = ''): MigrationList {
  return {
    baseDir: dir.path,
    // The engine reads the provider from the lock file; an older history may lack it.
    lockfile: { path: dir.lockfile.path, content: dir.lockfile.content ?? migrationLockfileContent(POSTGRES_PROVIDER) },
    shadowDbInitScript,
    migrationDirectories: dir.migrations.map((m) => ({
      path: m.name,
      migrationFile: {
        path: MIGRATION_SCRIPT_FILE,
        content:
          m.script !== undefined ? { tag: 'ok', value: m.script } : { tag: 'error', value: m.readError ?? 'unreadable' },
      },
    })),
  };
}

/**
 * `prisma migrate dev --create-only`, offline: replays the migrations directory into a temporary
 * shadow database on the service's PostgreSQL server, diffs the result against schema.prisma with
 * the schema engine, and writes `<timestamp>_<name>/migration.sql` (plus migration_lock.toml).
 * Writes nothing when there is no difference. The shadow database is always dropped.
 */
export async function createMigration(options: CreateOptions): Promise<CreateResult> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const resolved = resolveTarget(options);
  const name = slugifyMigrationName(options.name ?? '');
  if (name === '') {
    throw new ConfigError('a migration name is required (--name <name>, letters and digits)');
  }
  const serverUrl = resolveUrl(options);

  const schemaContent = await fs.readFile(resolved.schemaPath, 'utf-8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot read the Prisma schema ${resolved.schemaPath}: ${error.code ?? error.message}`);
  });
  const dir = await readMigrationsDirectory(resolved.migrationsDir);
  assertPostgresLockfile(dir);

  // The engine's "main" database: only used for server facts (version); the maintenance database
  // keeps us from needing (or touching) the service's own database.
  const maintenance = await connectMaintenance(serverUrl, `${resolved.label} (schema engine)`);
  const mainDatabase = maintenance.database ?? 'postgres';
  await maintenance.end().catch(() => undefined);

  const t0 = Date.now();
  const { info, stdout, exitCode } = await withSchemaEngine(
    { mainUrl: withDatabase(serverUrl, mainDatabase), serverUrl, logger },
    async (engine, info) => {
      // `diff` (migrations → schema) rather than `createMigration`: in the wasm engine only `diff`
      // and `devDiagnostic` use the adapter factory's shadow database; `createMigration` refuses
      // ("PostgreSQL shadow DB must be provided through an external factory").
      const result = await engine.diff({
        // Even with no migrations yet: replaying "nothing" into the shadow database yields its
        // default schema, so the script does not start with CREATE SCHEMA "public" like a diff
        // from `empty` would.
        from: { tag: 'migrations', ...toEngineMigrationList(dir) },
        to: { tag: 'schemaDatamodel', files: [{ path: resolved.schemaPath, content: schemaContent }] },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
      return { info, stdout: result.stdout ?? '', exitCode: result.exitCode };
    },
  );
  logger.info(`${resolved.label}: schema engine ${info.version.slice(0, 8)} diffed migrations → schema in ${Date.now() - t0} ms`);

  if (exitCode === 0) {
    logger.info(`${resolved.label}: schema.prisma matches the migrations, nothing to create`);
    return { label: resolved.label, durationMs: Date.now() - started, engine: info };
  }
  if (exitCode !== 2) throw new Error(`the schema engine diff ended with exit code ${exitCode}`);

  const sql = withWarnings(stdout);
  const migrationName = `${formatMigrationTimestamp(new Date())}_${name}`;
  if (options.dryRun) {
    return { label: resolved.label, migrationName, sql, durationMs: Date.now() - started, engine: info };
  }

  const directory = path.join(dir.path, migrationName);
  await fs.mkdir(dir.path, { recursive: true });
  await fs.mkdir(directory).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'EEXIST' ? `the migration directory already exists at ${directory}` : `cannot create ${directory}: ${error.message}`,
    );
  });
  await fs.writeFile(path.join(directory, MIGRATION_SCRIPT_FILE), sql, 'utf-8');
  await fs.writeFile(path.join(dir.path, MIGRATION_LOCK_FILE), migrationLockfileContent(POSTGRES_PROVIDER), 'utf-8');
  logger.info(`${resolved.label}: created ${path.relative(process.cwd(), directory)}/${MIGRATION_SCRIPT_FILE}`);

  return {
    label: resolved.label,
    migrationName,
    directory,
    sql,
    durationMs: Date.now() - started,
    engine: info,
  };
}

/**
 * Prisma's `migrate dev` prefixes scripts with a `Warnings:` comment for destructive or risky
 * steps; the engine's `diff` renders without them, so flag the usual suspects the same way.
 */
export function destructiveChangeWarnings(sql: string): string[] {
  const warnings: string[] = [];
  const created = new Set([...sql.matchAll(/^CREATE TABLE "([^"]+)"/gm)].map((m) => m[1]));
  for (const m of sql.matchAll(/^DROP TABLE "([^"]+)";/gm)) {
    warnings.push(`You are about to drop the \`${m[1]}\` table. If the table is not empty, all the data it contains will be lost.`);
  }
  for (const m of sql.matchAll(/^ALTER TABLE "([^"]+)"([^;]*);/gms)) {
    const [, tableName, body] = m;
    for (const c of body.matchAll(/DROP COLUMN "([^"]+)"/g)) {
      warnings.push(`You are about to drop the column \`${c[1]}\` on the \`${tableName}\` table. All the data in the column will be lost.`);
    }
    for (const c of body.matchAll(/ADD COLUMN "([^"]+)" [^,]*NOT NULL(?![^,]*DEFAULT)/g)) {
      warnings.push(`Added the required column \`${c[1]}\` to the \`${tableName}\` table without a default value. This is not possible if the table is not empty.`);
    }
    for (const c of body.matchAll(/ALTER COLUMN "([^"]+)" SET DATA TYPE/g)) {
      warnings.push(`You are about to alter the column \`${c[1]}\` on the \`${tableName}\` table. The data in that column could be lost.`);
    }
    for (const c of body.matchAll(/ALTER COLUMN "([^"]+)" SET NOT NULL/g)) {
      warnings.push(`Made the column \`${c[1]}\` on table \`${tableName}\` required, but there may be NULL values in it.`);
    }
  }
  for (const m of sql.matchAll(/^CREATE UNIQUE INDEX "[^"]+" ON "([^"]+)"\(([^)]*)\)/gm)) {
    if (created.has(m[1])) continue;
    warnings.push(`A unique constraint covering the columns \`[${m[2].replace(/"/g, '')}]\` on the table \`${m[1]}\` will be added. If there are existing duplicate values, this will fail.`);
  }
  return warnings;
}

function withWarnings(sql: string): string {
  const warnings = destructiveChangeWarnings(sql);
  if (warnings.length === 0) return sql;
  return `/*\n  Warnings:\n\n${warnings.map((w) => `  - ${w}`).join('\n')}\n\n*/\n${sql}`;
}
