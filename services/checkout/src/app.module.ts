import { DynamicModule, Module } from '@nestjs/common';
import { databaseProbe } from '@boxoffice/database';
import { HealthController, healthProviders, loggingModule } from '@boxoffice/http';
import { KafkaHealthProbe } from '@boxoffice/kafka';
import { OutboxRelay } from '@boxoffice/outbox';
import { CatalogModule } from './catalog/catalog.module';
import { CHECKOUT_CONFIG, CheckoutConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { PrismaService } from './database/prisma.service';
import { OrdersModule } from './orders/orders.module';
import { MessagingModule } from './outbox/messaging.module';
import { KafkaProbeCloser } from './outbox/kafka-probe-closer';
import { kafkaViaOutbox } from './outbox/outbox-health';
import { OutboxStatsController } from './outbox/outbox-stats.controller';

@Module({})
export class AppModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'checkout', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        MessagingModule.forRoot(config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        CatalogModule,
        OrdersModule.register(config),
      ],
      controllers: [HealthController, OutboxStatsController],
      providers: [
        { provide: CHECKOUT_CONFIG, useValue: config },
        KafkaProbeCloser,
        ...healthProviders({
          identity: { service: 'checkout', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe, OutboxRelay],
          checks: (db: PrismaService, kafka: KafkaHealthProbe, relay: OutboxRelay) => [databaseProbe(db), kafkaViaOutbox(kafka, relay)],
        }),
      ],
    };
  }
}
