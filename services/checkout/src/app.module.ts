import { DynamicModule, Module } from '@nestjs/common';
import { databaseProbe } from '@boxoffice/database';
import { FlagsClient, flagsEnvOf, FlagsModule, flagsReadinessCheck } from '@boxoffice/flags';
import { HealthController, healthProviders, loggingModule, OPERATIONS_TOKEN } from '@boxoffice/http';
import { KafkaHealthProbe, KafkaModule } from '@boxoffice/kafka';
import { TelemetryShutdownHook } from '@boxoffice/telemetry';
import { kafkaViaOutbox, OutboxModule, OutboxRelay } from '@boxoffice/outbox';
import { CatalogModule } from './catalog/catalog.module';
import { CHECKOUT_CONFIG, CheckoutConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { PrismaService } from './database/prisma.service';
import { OrdersModule } from './orders/orders.module';
import { OutboxStatsController } from './outbox/outbox-stats.controller';

@Module({})
export class AppModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'checkout', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        KafkaModule.register({ env: config, clientId: 'checkout' }),
        OutboxModule.register({ databaseUrl: config.DATABASE_URL }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        FlagsModule.register({ service: 'checkout', serviceVersion: config.SERVICE_VERSION, env: flagsEnvOf(config), global: true }),
        CatalogModule,
        OrdersModule.register(config),
      ],
      controllers: [HealthController, OutboxStatsController],
      providers: [
        { provide: CHECKOUT_CONFIG, useValue: config },
        { provide: OPERATIONS_TOKEN, useValue: config.OPERATIONS_TOKEN },
        TelemetryShutdownHook,
        ...healthProviders({
          identity: { service: 'checkout', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe, OutboxRelay, FlagsClient],
          checks: (db: PrismaService, kafka: KafkaHealthProbe, relay: OutboxRelay, flags: FlagsClient) => [
            databaseProbe(db),
            kafkaViaOutbox(kafka, relay),
            flagsReadinessCheck(flags),
          ],
        }),
      ],
    };
  }
}
