import { DynamicModule, Global, Module } from '@nestjs/common';
import { KafkaModule } from '@boxoffice/kafka';
import { OutboxModule } from '@boxoffice/outbox';
import { CheckoutConfig } from '../config';

/**
 * Kafka producer and outbox relay, available everywhere. Global because OutboxModule resolves
 * the producer (EventPublisher) from the application rather than importing KafkaModule itself.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(config: CheckoutConfig): DynamicModule {
    const kafka = KafkaModule.register({ env: config, clientId: 'checkout' });
    const outbox = OutboxModule.register({ databaseUrl: config.DATABASE_URL });
    return { module: MessagingModule, imports: [kafka, outbox], exports: [kafka, outbox] };
  }
}
