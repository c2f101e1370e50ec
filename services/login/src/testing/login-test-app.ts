/**
 * Boots the real login app in-process against the local stack: a fresh PostgreSQL database per
 * test file (migrated like production), the real Kafka broker, and a signing key in a temp dir.
 */
import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import { loadConfig } from '@boxoffice/config';
import { deployMigrations } from '@boxoffice/db-migrate';
import { configureHttpApp } from '@boxoffice/http';
import { databaseUrl, requireStackEnv, StackEnv } from '@boxoffice/testing';
import { AppModule } from '../app.module';
import { LoginConfig, loginConfigSchema } from '../config';
import { DevKeys, ensureDevKey } from '../keys/dev-key';

export interface TestDatabase {
  url: string;
  /** Direct connection for assertions on rows. */
  pool: Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(stack: StackEnv = requireStackEnv()): Promise<TestDatabase> {
  const name = `login_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = databaseUrl(stack, name);
  await deployMigrations({ service: 'login', url });
  const pool = new Pool({ connectionString: url, max: 3 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const admin = new Pool({ connectionString: databaseUrl(stack, 'postgres'), max: 1 });
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A directory with a development signing key, removed by `remove()`. */
export function createKeyDir(): DevKeys & { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'login-int-keys-'));
  return { dir, ...ensureDevKey(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LoginTestApp {
  app: INestApplication;
  config: LoginConfig;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The app as main.ts builds it; `env` overrides the test defaults (e.g. rate limits). */
export async function startLoginApp(
  database: TestDatabase,
  env: Record<string, string | undefined>,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<LoginTestApp> {
  const stack = requireStackEnv();
  const config = loadConfig(loginConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SERVICE_VERSION: 'int-test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '20',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    // Tests pick their client address with X-Forwarded-For (as if one proxy had appended it) to keep per-IP limits apart.
    TRUST_PROXY: '1',
    ...env,
  });
  const moduleRef = await customize(Test.createTestingModule({ imports: [AppModule.forRoot(config)] })).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { service: 'login', version: config.SERVICE_VERSION, description: 'login (integration test)' });
  await app.init();
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** A client address of its own for one test, so per-IP counters of other tests do not interfere. */
export function clientIp(): string {
  const n = Math.floor(Math.random() * 0xfffffe) + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';
