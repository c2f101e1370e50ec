import { PrismaPg } from '@prisma/adapter-pg';
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

/** Driver adapter for Prisma 7: node-postgres underneath, no query-engine binary. */
export function createPgAdapter({ url, poolSize }: DatabaseOptions): PrismaPg {
  return new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 3_000 });
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
