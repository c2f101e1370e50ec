import { randomUUID } from 'node:crypto';

import { connect, ensureDatabase, parseTarget, pgErrorCode, quoteIdent } from './connection';
import {
  acquireAdvisoryLock,
  DEFAULT_LOCK_TIMEOUT_MS,
  initializeMigrationsTable,
  loadMigrationRecords,
  type MigrationRecord,
  releaseAdvisoryLock,
  table,
} from './history';
import { type Logger, silentLogger } from './logger';
import {
  assertPostgresLockfile,
  assertReadable,
  computeChecksum,
  type MigrationEntry,
  readMigrationsDirectory,
  scriptMatchesChecksum,
} from './migrations-dir';
import { resolveTarget, resolveUrl, type TargetOptions } from './targets';

export interface DeployOptions extends TargetOptions {
  logger?: Logger;
  /** How long to wait for another run's migration lock; default 10 s (Prisma's). */
  lockTimeoutMs?: number;
  /** Create the database when it does not exist (default true). */
  createDatabase?: boolean;
}

export interface DeployResult {
  label: string;
  database: string;
  databaseCreated: boolean;
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
  durationMs: number;
}

/** Thrown when the database's migration history forbids applying anything. */
export class MigrationHistoryError extends Error {
  override readonly name = 'MigrationHistoryError';
}

/** Thrown when a migration script fails; it is recorded as failed in `_prisma_migrations`. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(
    message: string,
    readonly migrationName: string,
    readonly databaseErrorCode: string,
  ) {
    super(message);
  }
}

/**
 * `prisma migrate deploy`, offline: applies the unapplied migrations of the migrations directory,
 * recording each in `_prisma_migrations` the way the schema engine does (row inserted with
 * `started_at` before the script runs, `applied_steps_count` incremented and `finished_at` set
 * after it succeeded, `logs` set when it failed). Holds Prisma's advisory lock throughout.
 *
 * Stricter than Prisma in one way: it refuses to run when an applied migration's script was
 * edited (checksum mismatch), which `prisma migrate deploy` only reports through `migrate status`.
 */
export async function deployMigrations(options: DeployOptions): Promise<DeployResult> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const resolved = resolveTarget(options);
  const url = resolveUrl(options);
  const target = parseTarget(url);
  const label = `${resolved.label} (database "${target.database}" on ${target.server})`;

  const dir = await readMigrationsDirectory(resolved.migrationsDir);
  assertPostgresLockfile(dir);
  assertReadable(dir);

  const databaseCreated = options.createDatabase === false ? false : await ensureDatabase(url);
  if (databaseCreated) logger.info(`${resolved.label}: created database "${target.database}"`);

  const client = await connect(target.connectionString, resolved.label);
  let locked = false;
  try {
    await acquireAdvisoryLock(client, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, label);
    locked = true;
    const schemaExists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
    if (schemaExists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(target.schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(target.schema)}`);
    await initializeMigrationsTable(client, target.schema, label);

    const records = await loadMigrationRecords(client, target.schema);
    assertNoFailedMigrations(records, label);
    assertNoEditedMigrations(dir.migrations, records, label);

    const live = records.filter((r) => r.rolled_back_at === null);
    const appliedNames = new Set(live.map((r) => r.migration_name));
    const alreadyApplied = dir.migrations.filter((m) => appliedNames.has(m.name)).map((m) => m.name);
    const unapplied = dir.migrations.filter((m) => !appliedNames.has(m.name));

    const applied: string[] = [];
    for (const migration of unapplied) {
      const t0 = Date.now();
      await applyOne(client, target.schema, migration);
      applied.push(migration.name);
      logger.info(`${resolved.label}: applied ${migration.name} (${Date.now() - t0} ms)`);
    }
    if (applied.length === 0) logger.info(`${resolved.label}: no pending migrations`);

    return {
      label: resolved.label,
      database: target.database,
      databaseCreated,
      applied,
      alreadyApplied,
      durationMs: Date.now() - started,
    };
  } finally {
    if (locked) await releaseAdvisoryLock(client).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function applyOne(
  client: import('pg').Client,
  schema: string,
  migration: MigrationEntry,
): Promise<void> {
  const script = migration.script ?? '';
  const id = randomUUID();
  // record_migration_started: id, checksum, started_at, migration_name (logs stays NULL).
  await client.query(
    `INSERT INTO ${table(schema)} (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)`,
    [id, computeChecksum(script), new Date(), migration.name],
  );
  try {
    // Simple-query protocol, like the engine's `simple_query(script)`: all statements of the
    // script run as one implicit transaction unless the script manages transactions itself.
    await client.query(script);
  } catch (error) {
    const code = pgErrorCode(error) ?? 'none';
    const logs = failureLogs(migration.name, code, error, script);
    await client.query(`UPDATE ${table(schema)} SET logs = $2 WHERE id = $1`, [id, logs]);
    throw new MigrationFailedError(
      `migration ${migration.name} failed (database error ${code}): ${(error as Error).message}; ` +
        `it is recorded as failed, fix it and then mark it rolled back before deploying again`,
      migration.name,
      code,
    );
  }
  // record_successful_step + record_migration_finished.
  await client.query(`UPDATE ${table(schema)} SET applied_steps_count = applied_steps_count + 1 WHERE id = $1`, [id]);
  await client.query(`UPDATE ${table(schema)} SET finished_at = $2 WHERE id = $1`, [id, new Date()]);
}

/** The text the engine stores in `logs` for a failed script (user-facing error P3018). */
function failureLogs(name: string, code: string, error: unknown, script: string): string {
  const e = error as { message?: string; position?: string; detail?: string; hint?: string; severity?: string };
  let position = '';
  const offset = e.position ? Number(e.position) : NaN;
  if (Number.isFinite(offset)) {
    const before = script.slice(0, Math.max(0, offset - 1));
    const lineNumber = before.split('\n').length;
    const lines = script.split('\n');
    const from = Math.max(0, lineNumber - 6);
    const context = lines
      .slice(from, lineNumber)
      .map((line, i) => `${String(from + i + 1).padStart(3)}${line ? ' ' : ''}${line}`)
      .join('\n');
    position = `\n\nPosition:\n${context}`;
  }
  const details = [e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`].filter(Boolean).join('\n');
  const databaseError = `${e.severity ?? 'ERROR'}: ${e.message ?? String(error)}${position}${details ? `\n\n${details}` : ''}`;
  return (
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from.\n\n' +
    `Migration name: ${name}\n\nDatabase error code: ${code}\n\nDatabase error:\n${databaseError}\n`
  );
}

function assertNoFailedMigrations(records: MigrationRecord[], label: string): void {
  const failed = records.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length === 0) return;
  const details = failed
    .map((r) => {
      const logs = r.logs?.trim() ? `: ${firstLine(r.logs.replace(/^A migration failed[^\n]*\n+/, ''))}` : '';
      return `${r.migration_name} (started ${r.started_at.toISOString()})${logs}`;
    })
    .join('; ');
  throw new MigrationHistoryError(
    `found failed migration(s) in ${label}: ${details}. ` +
      `Fix the cause, then mark it rolled back (\`prisma migrate resolve --rolled-back <name>\`, i.e. ` +
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL) ` +
      `or applied (\`--applied\`), and deploy again (Prisma error P3009)`,
  );
}

function assertNoEditedMigrations(local: MigrationEntry[], records: MigrationRecord[], label: string): void {
  const byName = new Map(local.map((m) => [m.name, m]));
  const edited = records
    .filter((r) => r.rolled_back_at === null && r.finished_at !== null)
    .filter((r) => {
      const m = byName.get(r.migration_name);
      return m !== undefined && !scriptMatchesChecksum(m.script ?? '', r.checksum);
    })
    .map((r) => r.migration_name);
  if (edited.length > 0) {
    throw new MigrationHistoryError(
      `applied migration(s) were modified after they were applied to ${label}: ${edited.join(', ')} ` +
        `(the checksum of migration.sql no longer matches _prisma_migrations.checksum); ` +
        `restore the original file and put the change in a new migration`,
    );
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
