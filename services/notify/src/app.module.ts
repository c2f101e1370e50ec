import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AuthModule } from '@boxoffice/auth';
import { databaseProbe } from '@boxoffice/database';
import { FlagsClient, flagsEnvOf, FlagsModule, flagsReadinessCheck } from '@boxoffice/flags';
import { HealthController, healthProviders, loggingModule, OPERATIONS_TOKEN, reportedOnly, ShutdownState } from '@boxoffice/http';
import { KafkaHealthProbe, KafkaModule } from '@boxoffice/kafka';
import { TelemetryShutdownHook } from '@boxoffice/telemetry';
import { CHANNEL_SELECTOR } from './channels/channel-selector';
import { Channels } from './channels/channels';
import { FlaggedChannelSelector } from './channels/flagged-channel-selector';
import { SimulatedOutbox } from './channels/simulated-channel';
import { NOTIFY_CONFIG, NotifyConfig } from './config';
import { ConsumerMetrics } from './consumer/consumer-metrics';
import { ConsumerStats } from './consumer/consumer-stats';
import { ConsumerStatsController } from './consumer/consumer-stats.controller';
import { PrismaService } from './database/prisma.service';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { InboxController } from './inbox/inbox.controller';
import { InboxService } from './inbox/inbox.service';
import { ProcessingRetry } from './inbox/processing-retry';
import { NotificationService } from './notifications/notification.service';
import { NotificationStore } from './notifications/notification.store';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationTemplates } from './templates/notification-templates';

function channelProviders(config: NotifyConfig): Provider[] {
  return [
    { provide: SimulatedOutbox, useValue: new SimulatedOutbox() },
    {
      provide: Channels,
      inject: [SimulatedOutbox],
      useFactory: (outbox: SimulatedOutbox) =>
        new Channels(outbox, config.SIMULATED_SEND_LATENCY_MS, {
          url: config.WEBHOOK_URL,
          timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
          backoffInitialMs: config.WEBHOOK_BACKOFF_INITIAL_MS,
          backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
        }),
    },
    {
      provide: CHANNEL_SELECTOR,
      inject: [FlagsClient],
      useFactory: (flags: FlagsClient) =>
        new FlaggedChannelSelector(flags, config.NOTIFY_DEFAULT_CHANNEL, (channel) => channel !== 'webhook' || Boolean(config.WEBHOOK_URL)),
    },
  ];
}

function inboxProviders(config: NotifyConfig): Provider[] {
  return [
    InboxService,
    DeadLetterPublisher,
    { provide: ConsumerStats, useValue: new ConsumerStats(config.KAFKA_CONSUMER_GROUP) },
    ConsumerMetrics,
    {
      provide: ProcessingRetry,
      inject: [PrismaService, ShutdownState],
      useFactory: (db: PrismaService, shutdown: ShutdownState) =>
        new ProcessingRetry(
          { maxAttempts: config.PROCESSING_MAX_ATTEMPTS },
          {
            healthy: () => db.$queryRawUnsafe('SELECT 1').then(() => true, () => false),
            stopping: () => shutdown.draining,
          },
        ),
    },
  ];
}

@Module({})
export class AppModule {
  static forRoot(config: NotifyConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'notify', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        KafkaModule.register({ env: config, clientId: 'notify' }),
        AuthModule.register(config),
        FlagsModule.register({ service: 'notify', serviceVersion: config.SERVICE_VERSION, env: flagsEnvOf(config), global: true }),
      ],
      controllers: [HealthController, InboxController, NotificationsController, ConsumerStatsController],
      providers: [
        { provide: NOTIFY_CONFIG, useValue: config },
        { provide: OPERATIONS_TOKEN, useValue: config.OPERATIONS_TOKEN },
        TelemetryShutdownHook,
        { provide: PrismaService, useFactory: () => new PrismaService({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }) },
        NotificationTemplates,
        NotificationStore,
        NotificationService,
        ...channelProviders(config),
        ...inboxProviders(config),
        ...healthProviders({
          identity: { service: 'notify', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe, FlagsClient],
          // Kafka is reported, not gating: the inbox API does not need it and the consumer reconnects by
          // itself (docs/decisions.md, readiness); unready pods would only leave the inbox unserved.
          checks: (db: PrismaService, kafka: KafkaHealthProbe, flags: FlagsClient) => [
            databaseProbe(db),
            reportedOnly(kafka, 'the consumer reconnects by itself; events wait in Kafka'),
            flagsReadinessCheck(flags),
          ],
        }),
      ],
    };
  }
}
