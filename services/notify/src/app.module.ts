import { DynamicModule, Module } from '@nestjs/common';
import { databaseProbe } from '@boxoffice/database';
import { HealthController, healthProviders, loggingModule } from '@boxoffice/http';
import { KafkaHealthProbe, KafkaModule } from '@boxoffice/kafka';
import { NOTIFY_CONFIG, NotifyConfig } from './config';
import { PrismaService } from './database/prisma.service';
import { InboxController } from './inbox/inbox.controller';
import { InboxService } from './inbox/inbox.service';

@Module({})
export class AppModule {
  static forRoot(config: NotifyConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'notify', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        KafkaModule.register({ env: config, clientId: 'notify' }),
      ],
      controllers: [HealthController, InboxController],
      providers: [
        { provide: NOTIFY_CONFIG, useValue: config },
        InboxService,
        { provide: PrismaService, useFactory: () => new PrismaService({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }) },
        ...healthProviders({
          identity: { service: 'notify', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe],
          checks: (db: PrismaService, kafka: KafkaHealthProbe) => [databaseProbe(db), kafka],
        }),
      ],
    };
  }
}
