import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPgPool, DatabaseOptions } from '@boxoffice/database';
import { PrismaService } from './prisma.service';

/** The pool behind PrismaService, for the order transactions that run as plain SQL (decision 10). */
export const CHECKOUT_POOL = Symbol('CHECKOUT_POOL');

/** checkout's own PostgreSQL database, for every feature module: one pool of DATABASE_POOL_SIZE. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: CHECKOUT_POOL, useFactory: () => createPgPool(options) },
        { provide: PrismaService, inject: [CHECKOUT_POOL], useFactory: (pool: Pool) => new PrismaService(pool, options.url) },
      ],
      exports: [PrismaService, CHECKOUT_POOL],
    };
  }
}
