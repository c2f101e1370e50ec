import { DynamicModule, Module } from '@nestjs/common';
import { databaseProbe } from '@boxoffice/database';
import { HealthController, healthProviders, loggingModule } from '@boxoffice/http';
import { KafkaHealthProbe, KafkaModule } from '@boxoffice/kafka';
import { CHECKOUT_CONFIG, CheckoutConfig } from './config';
import { PrismaService } from './database/prisma.service';

@Module({})
export class AppModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'checkout', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        KafkaModule.register({ env: config, clientId: 'checkout' }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: CHECKOUT_CONFIG, useValue: config },
        { provide: PrismaService, useFactory: () => new PrismaService({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }) },
        ...healthProviders({
          identity: { service: 'checkout', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe],
          checks: (db: PrismaService, kafka: KafkaHealthProbe) => [databaseProbe(db), kafka],
        }),
      ],
    };
  }
}
