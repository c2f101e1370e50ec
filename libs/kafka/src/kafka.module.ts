import { DynamicModule, Module } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { Kafka } from 'kafkajs';
import type { KafkaEnv } from '@boxoffice/config';
import { EventPublisher } from './event-publisher';
import { KafkaHealthProbe } from './kafka-health';
import { kafkaClientConfig } from './kafka-options';

export interface KafkaModuleOptions {
  env: KafkaEnv;
  clientId: string;
}

export const KAFKA = Symbol('KAFKA');

@Module({})
export class KafkaModule {
  /**
   * Producer, health probe and a raw kafkajs client, configured from validated env. Global: one
   * producer per process, and modules such as OutboxModule resolve EventPublisher without
   * re-registering Kafka.
   */
  static register({ env, clientId }: KafkaModuleOptions): DynamicModule {
    const client = kafkaClientConfig(env, clientId);
    return {
      global: true,
      module: KafkaModule,
      providers: [
        { provide: KAFKA, useFactory: () => new Kafka(client) },
        {
          provide: EventPublisher,
          useFactory: () =>
            new EventPublisher(
              new ClientKafka({
                client,
                producerOnlyMode: true,
                producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
                send: { acks: -1 },
              }),
              env.KAFKA_BROKERS,
              env.KAFKA_CONNECT_TIMEOUT_MS,
            ),
        },
        {
          provide: KafkaHealthProbe,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new KafkaHealthProbe(kafka, Math.max(env.KAFKA_CONNECT_TIMEOUT_MS, 1000)),
        },
      ],
      exports: [KAFKA, EventPublisher, KafkaHealthProbe],
    };
  }
}
