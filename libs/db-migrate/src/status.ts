import { connect, databaseExists, parseTarget, pgErrorCode } from './connection';
import { loadMigrationRecords, migrationsTableExists, type MigrationRecord } from './history';
import { assertPostgresLockfile, readMigrationsDirectory, scriptMatchesChecksum } from './migrations-dir';
import { resolveTarget, resolveUrl, type TargetOptions } from './targets';

export type MigrationState =
  /** In the directory and finished in the database with a matching checksum. */
  | 'applied'
  /** Finished in the database, but migration.sql changed since. */
  | 'modified'
  /** In the directory, not (or only rolled back) in the database. */
  | 'pending'
  /** Started in the database and never finished nor rolled back. */
  | 'failed'
  /** Recorded in the database but not in the directory. */
  | 'missing-locally';

export interface MigrationStatusEntry {
  name: string;
  state: MigrationState;
  startedAt?: Date;
  finishedAt?: Date;
  logs?: string;
}

export interface StatusResult {
  label: string;
  database: string;
  server: string;
  databaseExists: boolean;
  migrations: MigrationStatusEntry[];
  /** Every migration applied and unmodified; nothing failed, pending or missing locally. */
  upToDate: boolean;
}

/** `prisma migrate status`, offline: compares the migrations directory with `_prisma_migrations`. Read-only. */
export async function migrationStatus(options: TargetOptions): Promise<StatusResult> {
  const resolved = resolveTarget(options);
  const url = resolveUrl(options);
  const target = parseTarget(url);
  const dir = await readMigrationsDirectory(resolved.migrationsDir);
  assertPostgresLockfile(dir);

  let records: MigrationRecord[] = [];
  let exists = true;
  try {
    const client = await connect(target.connectionString, resolved.label);
    try {
      if (await migrationsTableExists(client, target.schema)) {
        records = await loadMigrationRecords(client, target.schema);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    if (pgErrorCode(error) !== '3D000') throw error;
    exists = await databaseExists(url);
    if (exists) throw error;
  }

  const entries: MigrationStatusEntry[] = [];
  const local = new Set(dir.migrations.map((m) => m.name));
  for (const migration of dir.migrations) {
    const mine = records.filter((r) => r.migration_name === migration.name && r.rolled_back_at === null);
    const failed = mine.find((r) => r.finished_at === null);
    const done = mine.find((r) => r.finished_at !== null);
    if (failed) {
      entries.push({ name: migration.name, state: 'failed', startedAt: failed.started_at, logs: failed.logs ?? undefined });
    } else if (done) {
      const same = migration.script !== undefined && scriptMatchesChecksum(migration.script, done.checksum);
      entries.push({
        name: migration.name,
        state: same ? 'applied' : 'modified',
        startedAt: done.started_at,
        finishedAt: done.finished_at ?? undefined,
      });
    } else {
      entries.push({ name: migration.name, state: 'pending' });
    }
  }
  const orphans = new Map<string, MigrationRecord>();
  for (const r of records) {
    if (r.rolled_back_at === null && !local.has(r.migration_name)) orphans.set(r.migration_name, r);
  }
  for (const [name, r] of orphans) {
    entries.push({
      name,
      state: r.finished_at === null ? 'failed' : 'missing-locally',
      startedAt: r.started_at,
      finishedAt: r.finished_at ?? undefined,
      logs: r.logs ?? undefined,
    });
  }

  return {
    label: resolved.label,
    database: target.database,
    server: target.server,
    databaseExists: exists,
    migrations: entries,
    upToDate: entries.every((e) => e.state === 'applied'),
  };
}
