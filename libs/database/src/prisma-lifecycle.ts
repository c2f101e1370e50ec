import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { ConstantBackoff, handleWhen, retry } from 'cockatiel';
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

/**
 * A slow answer, not an absent server: a busy machine or a database still starting. Worth another
 * try; a refused connection or a wrong password is not.
 */
function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout|timed out/i.test(error.message);
}

/** Two more tries after a connect timeout (3 s each): at most about 10 s before giving up. */
const startupRetry = retry(handleWhen(isConnectTimeout), { maxAttempts: 2, backoff: new ConstantBackoff(500) });

/**
 * Connects and runs one query so that a service with no database fails at startup, clearly. Only a
 * connect timeout is retried (twice): a refused connection fails at once.
 */
export async function connectOrFail(client: PrismaLike, url: string): Promise<void> {
  try {
    await startupRetry.execute(async () => {
      await client.$connect();
      await client.$queryRawUnsafe('SELECT 1');
    });
  } catch (error) {
    throw new DatabaseUnavailableError(url, error);
  }
}

/** Readiness check: the database answers a trivial query. */
export function databaseProbe(client: PrismaLike) {
  return { name: 'database', check: async () => void (await client.$queryRawUnsafe('SELECT 1')) };
}
