import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { DatabaseUnavailableError } from './database-url';

/** The part of a generated PrismaClient the shared helpers need. */
export interface PrismaLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface DatabaseOptions {
  url: string;
  poolSize: number;
}

/**
 * The service's node-postgres pool; a transaction left open for 10 s is ended by the server. A
 * database restart ends the idle connections and node-postgres reports that as an 'error' event
 * on the pool, which ends the process unless someone listens: the listener logs it, and the next
 * query opens a new connection.
 */
export function createPgPool({ url, poolSize }: DatabaseOptions): Pool {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 3_000, idle_in_transaction_session_timeout: 10_000 });
  const logger = new Logger('DatabasePool');
  pool.on('error', (error) => logger.warn(`idle database connection lost (${error.message}); the next query reconnects`));
  return pool;
}

/**
 * Driver adapter for Prisma 7: node-postgres underneath, no query-engine binary. Given a pool, Prisma
 * shares it (and its owner ends it); given options, Prisma gets a pool of its own.
 */
export function createPgAdapter(source: DatabaseOptions | Pool): PrismaPg {
  return source instanceof Pool ? new PrismaPg(source) : new PrismaPg({ connectionString: source.url, max: source.poolSize, connectionTimeoutMillis: 3_000 });
}

/** Connects and runs one query so that a service with no database fails at startup, clearly. */
export async function connectOrFail(client: PrismaLike, url: string): Promise<void> {
  try {
    await client.$connect();
    await client.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    throw new DatabaseUnavailableError(url, error);
  }
}

/** Readiness check: the database answers a trivial query. */
export function databaseProbe(client: PrismaLike) {
  return { name: 'database', check: async () => void (await client.$queryRawUnsafe('SELECT 1')) };
}
