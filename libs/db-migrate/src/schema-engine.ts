import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type * as Wasm from '@prisma/schema-engine-wasm';

import { connectMaintenance, dropDatabase, parseTarget, pgErrorCode, quoteIdent, withDatabase } from './connection';
import { ConfigError } from './env';
import { type Logger, silentLogger } from './logger';

/**
 * Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`), driven with a
 * driver adapter (`@prisma/adapter-pg`) against a real PostgreSQL server. This is what replaces
 * the native schema-engine binary the Prisma CLI cannot download here.
 *
 * - The wasm binary is the one the installed `prisma` CLI ships in `prisma/build/` (the exact
 *   engine build it pins, e.g. 8.1.0-1.d1b3f377 for 7.10.1, not published on its own); the JS glue
 *   comes from `@prisma/schema-engine-wasm`. The glue is checked against the binary's imports and
 *   the npm package's own binary is the fallback.
 * - Every command gets a fresh wasm instance and a fresh engine ("one engine per command"), so a
 *   Rust panic cannot leave state behind.
 * - adapter-pg cannot type the catalog's internal `"char"` columns (oid 18) the engine's describer
 *   reads (relkind, contype, …); such system types are mapped to text.
 * - adapter-pg's `connectToShadowDb` reuses the main connection string (whose database wins over
 *   the override) and drops the shadow database while its pool is still connected; we create the
 *   shadow database ourselves on the same server, connect to it by URL, and always drop it
 *   `WITH (FORCE)` at the end of the command.
 * - adapter-pg's `executeScript` splits scripts on every `;` (breaking `$$` bodies and string
 *   literals); scripts are sent whole over the simple-query protocol instead, like the native engine.
 */

export type SchemaEngineInstance = Wasm.SchemaEngine;
type WasmModule = Pick<typeof Wasm, 'SchemaEngine' | 'version'>;

export interface SchemaEngineWasmInfo {
  wasmPath: string;
  gluePath: string;
  /** Engine commit reported by the binary's `version()`. */
  version: string;
}

const FIRST_NORMAL_OBJECT_ID = 16384;
const TEXT_OID = 25;
/** Type oids `@prisma/adapter-pg` 7.10 maps to a column type (anything else below 16384 throws). */
const ADAPTER_PG_SUPPORTED_OIDS = new Set([
  16, 17, 19, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1560,
  1562, 1700, 2950, 3802, 143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028,
  1041, 1115, 1182, 1183, 1185, 1231, 1561, 1563, 2951, 3807,
]);

/** The bits of the WebAssembly JS API used here (the repo's `lib` has no DOM/WebAssembly types). */
interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: string;
}
type CompiledWasm = object;
interface WebAssemblyApi {
  Module: { new (bytes: Uint8Array): CompiledWasm; imports(module: CompiledWasm): WasmImportDescriptor[] };
  Instance: new (
    module: CompiledWasm,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const WebAssemblyJs = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: { module: CompiledWasm; info: Omit<SchemaEngineWasmInfo, 'version'>; glueSource: string } | undefined;

function packageDir(specifier: string, probe: string): string | undefined {
  try {
    let dir = path.dirname(require.resolve(specifier));
    while (!existsSync(path.join(dir, probe))) {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
    return dir;
  } catch {
    return undefined;
  }
}

function glueExportNames(source: string): string[] {
  return [...source.matchAll(/^export (?:async )?(?:function|class) ([A-Za-z0-9_$]+)/gm)].map((m) => m[1]);
}

function compile(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const glueDir = packageDir('@prisma/schema-engine-wasm', 'schema_engine_bg.js');
  if (!glueDir) throw new Error('@prisma/schema-engine-wasm is not installed');
  const gluePath = path.join(glueDir, 'schema_engine_bg.js');
  const glueSource = readFileSync(gluePath, 'utf-8');
  const names = new Set(glueExportNames(glueSource));

  const prismaDir = packageDir('prisma/package.json', 'package.json');
  const candidates = [
    process.env.BOXOFFICE_SCHEMA_ENGINE_WASM,
    prismaDir && path.join(prismaDir, 'build', 'schema_engine_bg.wasm'),
    path.join(glueDir, 'schema_engine_bg.wasm'),
  ].filter((p): p is string => !!p && existsSync(p));

  const problems: string[] = [];
  for (const wasmPath of candidates) {
    const module = new WebAssemblyJs.Module(readFileSync(wasmPath));
    const missing = WebAssemblyJs.Module.imports(module).filter((i) => !names.has(i.name));
    if (missing.length === 0) {
      compiled = { module, info: { wasmPath, gluePath }, glueSource };
      return compiled;
    }
    problems.push(`${wasmPath} needs ${missing.length} import(s) the glue lacks (e.g. ${missing[0].name})`);
  }
  throw new Error(`no schema-engine wasm binary matches the glue in ${gluePath}: ${problems.join('; ') || 'none found'}`);
}

/**
 * A fresh instance of the engine module: the ESM glue is evaluated anew (in the caller's realm,
 * which keeps Jest's sandbox happy) and bound to a new WebAssembly instance.
 */
export function instantiateSchemaEngineWasm(): WasmModule & { info: SchemaEngineWasmInfo; clearTimers(): void } {
  const { module, info, glueSource } = compile();
  const names = glueExportNames(glueSource);
  const body = `"use strict";\n${glueSource.replace(/^export (?=(?:async )?(?:function|class) )/gm, '')}\nreturn { ${names.join(', ')} };`;
  if (/^\s*(?:export|import)\s/m.test(body)) throw new Error(`unsupported module syntax in ${info.gluePath}`);
  const glue = new Function(body)() as Record<string, unknown> & WasmModule & { __wbg_set_wasm(w: unknown): void };
  // The engine arms timers (e.g. the 10 s advisory-lock timeout) and never clears them (the glue
  // imports no clearTimeout): unref them so they cannot keep the process alive, and clear them
  // when the session ends so none fires into a discarded engine.
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const importObject: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssemblyJs.Module.imports(module)) {
    let value = glue[imp.name];
    if (imp.name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
      const arm = value as (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
      value = (callback: () => void, ms: number) => {
        const timer = arm(callback, ms);
        timers.add(timer);
        timer.unref?.();
        return timer;
      };
    }
    (importObject[imp.module] ??= {})[imp.name] = value;
  }
  const instance = new WebAssemblyJs.Instance(module, importObject);
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      (this as { message?: string }).message = `RuntimeError: ${message}`;
    },
  };
  return {
    SchemaEngine: glue.SchemaEngine,
    version: glue.version,
    info: { ...info, version: glue.version() },
    clearTimers: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export function schemaEngineWasmInfo(): SchemaEngineWasmInfo {
  return instantiateSchemaEngineWasm().info;
}

type Queryable = { performIO?: (query: unknown) => Promise<{ fields?: { dataTypeID: number }[] }> };

/** Lets adapter-pg type the catalog's internal types (`"char"` & co.) as text. */
function mapSystemTypesToText(queryable: object): void {
  const target = queryable as Queryable;
  if (typeof target.performIO !== 'function') {
    throw new Error('@prisma/adapter-pg internals changed (no performIO): update libs/db-migrate/src/schema-engine.ts');
  }
  const original = target.performIO.bind(queryable);
  target.performIO = async (query) => {
    const result = await original(query);
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID < FIRST_NORMAL_OBJECT_ID && !ADAPTER_PG_SUPPORTED_OIDS.has(field.dataTypeID)) {
        field.dataTypeID = TEXT_OID;
      }
    }
    return result;
  };
}

interface PgPool {
  query(text: string): Promise<unknown>;
}

function patchAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  mapSystemTypesToText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => {
    const tx = await startTransaction(...args);
    mapSystemTypesToText(tx);
    return tx;
  };
  const driver = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.() as PgPool | undefined;
  const onError = (adapter as { onError?: (e: unknown) => never }).onError?.bind(adapter);
  if (driver && typeof driver.query === 'function') {
    adapter.executeScript = async (script: string) => {
      try {
        await driver.query(script);
      } catch (error) {
        if (onError) onError(error);
        throw error;
      }
    };
  }
  return adapter;
}

/**
 * The migration-aware adapter factory handed to the engine: `connect()` opens the "main"
 * database, `connectToShadowDb()` a brand-new temporary database on the same server.
 */
export class PostgresMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly open = new Set<SqlDriverAdapter>();
  private readonly shadowDatabases = new Set<string>();
  private readonly schema: string;

  /**
   * @param mainUrl database the engine treats as "the" database
   * @param serverUrl any database URL on the server where shadow databases are created
   */
  constructor(
    private readonly mainUrl: string,
    private readonly serverUrl: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.schema = parseTarget(mainUrl).schema;
  }

  private poolConfig(url: string) {
    const target = parseTarget(url);
    return {
      connectionString: target.connectionString,
      application_name: 'boxoffice-db-migrate:schema-engine',
      max: 4,
      ...(this.schema === 'public' ? {} : { options: `-c search_path=${quoteIdent(this.schema)}` }),
    };
  }

  private track(adapter: SqlDriverAdapter, afterDispose?: () => Promise<void>): SqlDriverAdapter {
    const dispose = adapter.dispose.bind(adapter);
    let disposed = false;
    adapter.dispose = async () => {
      if (disposed) return;
      disposed = true;
      this.open.delete(adapter);
      try {
        await dispose();
      } finally {
        await afterDispose?.();
      }
    };
    this.open.add(adapter);
    return adapter;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await new PrismaPg(this.poolConfig(this.mainUrl), { schema: this.schema }).connect();
    return this.track(patchAdapter(adapter));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    const admin = await connectMaintenance(this.serverUrl, 'creating the shadow database');
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      this.shadowDatabases.add(name);
    } catch (error) {
      if (pgErrorCode(error) === '42501') {
        throw new ConfigError(
          `cannot create a shadow database on ${parseTarget(this.serverUrl).server}: the user needs the CREATEDB privilege`,
        );
      }
      throw error;
    } finally {
      await admin.end().catch(() => undefined);
    }
    this.logger.info(`created shadow database ${name}`);
    const shadowUrl = withDatabase(this.serverUrl, name) + (this.schema === 'public' ? '' : `?schema=${encodeURIComponent(this.schema)}`);
    const adapter = await new PrismaPg(this.poolConfig(shadowUrl), { schema: this.schema }).connect();
    if (this.schema !== 'public') {
      await (adapter.underlyingDriver() as PgPool).query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
    }
    return this.track(patchAdapter(adapter), () => this.dropShadow(name));
  }

  private async dropShadow(name: string): Promise<void> {
    if (!this.shadowDatabases.has(name)) return;
    await dropDatabase(this.serverUrl, name);
    this.shadowDatabases.delete(name);
    this.logger.info(`dropped shadow database ${name}`);
  }

  /** Closes every connection still open and drops every shadow database still there. */
  async close(): Promise<void> {
    for (const adapter of [...this.open]) {
      await adapter.dispose().catch((e: unknown) => this.logger.warn(`closing an engine connection: ${String(e)}`));
    }
    for (const name of [...this.shadowDatabases]) {
      await this.dropShadow(name).catch((e: unknown) =>
        this.logger.warn(`could not drop shadow database ${name}: ${String(e)}`),
      );
    }
  }

  get pendingShadowDatabases(): string[] {
    return [...this.shadowDatabases];
  }
}

export interface SchemaEngineSession {
  mainUrl: string;
  serverUrl: string;
  logger?: Logger;
  /** Receives the engine's tracing output (JSON lines). */
  onEngineLog?: (line: string) => void;
}

interface ErrorRegistryLike {
  consumeError(id: number): { error: unknown } | undefined;
}

/**
 * Turns what the engine throws into an Error with a readable message: the Rust span trace is
 * cut off, and "External error id#N" (an error thrown by the driver adapter) is replaced by the
 * adapter's original error.
 */
export function engineError(error: unknown, registry?: ErrorRegistryLike): Error {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    message?: string;
    error?: string;
    code?: string;
  };
  let message = e.message ?? e.error ?? String(error);
  // Span trace lines look like "   0: schema_engine_wasm::wasm::engine::Diff".
  const trace = message.search(/\n\s+0: /);
  if (trace >= 0) message = message.slice(0, trace);
  message = message.replace(/External error id#(\d+)/g, (whole, id: string) => {
    const original = registry?.consumeError(Number(id))?.error as { message?: string } | undefined;
    return original?.message ?? whole;
  });
  message = message.replace(/\s*\n\s*/g, ': ').replace(/(: )+/g, ': ').trim();
  const out = new Error(e.code && !message.startsWith(e.code) ? `${e.code}: ${message}` : message);
  (out as { cause?: unknown }).cause = error;
  return out;
}

/**
 * Runs `fn` with a new engine connected through {@link PostgresMigrationAdapterFactory}; the
 * engine is freed, its connections closed and any shadow database dropped afterwards, whatever
 * happens.
 */
export async function withSchemaEngine<T>(
  session: SchemaEngineSession,
  fn: (engine: SchemaEngineInstance, info: SchemaEngineWasmInfo) => Promise<T>,
): Promise<T> {
  const wasm = instantiateSchemaEngineWasm();
  const factory = new PostgresMigrationAdapterFactory(session.mainUrl, session.serverUrl, session.logger);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const debug = process.env.DEBUG?.includes('db-migrate:engine');
  const onLog = (line: string) => {
    session.onEngineLog?.(line);
    if (debug) process.stderr.write(`[schema-engine] ${line}\n`);
  };
  let engine: SchemaEngineInstance | undefined;
  try {
    try {
      engine = await wasm.SchemaEngine.new({ datamodels: undefined }, onLog, bound);
      return await fn(engine, wasm.info);
    } catch (error) {
      throw engineError(error, bound.errorRegistry);
    }
  } finally {
    try {
      engine?.free();
    } catch {
      // a panicked instance may refuse to free; it is discarded with the wasm instance anyway
    }
    wasm.clearTimers();
    await factory.close();
  }
}
