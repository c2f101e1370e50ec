/**
 * @boxoffice/db-migrate: Prisma-compatible migrations without Prisma's schema-engine binary.
 *
 * - deployMigrations: `prisma migrate deploy` (same `_prisma_migrations` bookkeeping, same
 *   advisory lock), plus database creation and a refusal to run over edited migrations.
 * - createMigration: `prisma migrate dev --create-only` through the wasm schema engine and a
 *   throw-away shadow database.
 * - migrationStatus: `prisma migrate status`.
 * - generateClient: `prisma generate`, offline.
 * - databaseUrlFor: the services' connection convention.
 */
export {
  ConfigError,
  SERVICES,
  assertServiceName,
  databaseNameFor,
  databaseUrlFor,
  databaseUrlVariable,
  isServiceName,
  redactUrl,
  type Env,
  type ServiceName,
} from './env';
export {
  deployMigrations,
  MigrationFailedError,
  MigrationHistoryError,
  type DeployOptions,
  type DeployResult,
} from './deploy';
export { createMigration, destructiveChangeWarnings, type CreateOptions, type CreateResult } from './create';
export { migrationStatus, type MigrationState, type MigrationStatusEntry, type StatusResult } from './status';
export { generateClient, type GenerateOptions, type GenerateResult } from './generate';
export { databaseExists, dropDatabase, ensureDatabase, parseTarget, withDatabase } from './connection';
export {
  computeChecksum,
  readMigrationsDirectory,
  scriptMatchesChecksum,
  slugifyMigrationName,
  type MigrationEntry,
  type MigrationsDirectory,
} from './migrations-dir';
export { MIGRATIONS_TABLE, PRISMA_ADVISORY_LOCK_KEY, type MigrationRecord } from './history';
export { schemaEngineWasmInfo } from './schema-engine';
export { findRepoRoot, type TargetOptions } from './targets';
export { type Logger, silentLogger, stderrLogger } from './logger';
