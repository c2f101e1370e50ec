import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { connectOrFail, createPgAdapter, DatabaseOptions } from '@boxoffice/database';
import { PrismaClient } from '../generated/prisma/client';

export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly options: DatabaseOptions) {
    super({ adapter: createPgAdapter(options) });
  }

  async onModuleInit(): Promise<void> {
    await connectOrFail(this, this.options.url);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
