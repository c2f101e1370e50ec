import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { connectOrFail, createPgAdapter } from '@boxoffice/database';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma on the service's pool, which it ends at shutdown. */
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {
    super({
      adapter: createPgAdapter(pool),
      // Under a rush, transactions queue for pool connections. Let the pool's own 3 s connect
      // timeout decide (Prisma's default maxWait of 2 s would cut in first); the request then
      // gets a 503 (common/database-busy.ts), never a 500.
      transactionOptions: { maxWait: 5_000, timeout: 10_000 },
    });
  }

  async onModuleInit(): Promise<void> {
    await connectOrFail(this, this.url);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
