import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { RecordMetadata } from 'kafkajs';
import { assertEvent, EventOf, keyOf, Topic } from '@boxoffice/contracts';
import { eventHeaders } from './headers';
import { KafkaUnavailableError, withTimeout } from './kafka-options';

/**
 * Publishes contract-checked events through Nest's Kafka transport and resolves only when the
 * broker has acknowledged them (acks=all). It never fires and forgets.
 */
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);

  constructor(
    private readonly client: ClientKafka,
    private readonly brokers: string[],
    private readonly connectTimeoutMs: number,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await withTimeout(this.client.connect(), this.connectTimeoutMs * 3, 'Kafka producer connect');
    } catch (error) {
      await this.client.close().catch(() => undefined);
      throw new KafkaUnavailableError(this.brokers, error);
    }
    this.logger.log(`Kafka producer connected to ${this.brokers.join(',')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** Validates the event against its topic's contract, then waits for the broker's ack. */
  async publish<T extends Topic>(topic: T, event: EventOf<T>): Promise<RecordMetadata[]> {
    const valid = assertEvent(topic, event);
    return lastValueFrom(
      this.client.emit<RecordMetadata[]>(topic, {
        key: keyOf(topic, valid),
        value: JSON.stringify(valid),
        headers: eventHeaders(valid),
      }),
    );
  }

  /** The underlying kafkajs producer, for batch sends (the outbox relay). */
  get producer() {
    return this.client.producer;
  }
}
