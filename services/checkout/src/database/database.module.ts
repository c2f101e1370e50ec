import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseOptions } from '@boxoffice/database';
import { PrismaService } from './prisma.service';

/** checkout's own PostgreSQL database, for every feature module. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: PrismaService, useFactory: () => new PrismaService(options) }],
      exports: [PrismaService],
    };
  }
}
