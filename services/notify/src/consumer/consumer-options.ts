import type { KafkaOptions } from '@nestjs/microservices';
import type { PartitionAssigner as NestPartitionAssigner } from '@nestjs/microservices/external/kafka.interface';
import { PartitionAssigners } from 'kafkajs';
import { kafkaConsumerOptions } from '@boxoffice/kafka';
import type { NotifyConfig } from '../config';
import { RangeAssigner } from './range-assigner';

export type KafkaServerOptions = Required<KafkaOptions>['options'];

/**
 * The shared consumer settings (exact group name, manual commits, fail-fast client) plus what
 * notify needs: the range assigner (round-robin stays listed so a rolling upgrade from it still
 * finds a common protocol), the original message bytes (`keepBinary`, for dead letters), and
 * the configured session timeout and partition concurrency.
 */
export function notifyConsumerOptions(config: NotifyConfig): KafkaServerOptions {
  const shared = kafkaConsumerOptions({
    env: config,
    clientId: 'notify',
    groupId: config.KAFKA_CONSUMER_GROUP,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENCY,
  }).options;
  return {
    ...shared,
    consumer: {
      ...shared?.consumer,
      groupId: config.KAFKA_CONSUMER_GROUP,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.min(1_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      // An idle fetch returns after this long: bounds how late a rebalance or a shutdown is noticed (default 5 s).
      maxWaitTimeInMs: 1_000,
      // Nest declares its own, older copy of kafkajs' types; the runtime objects are kafkajs' own.
      partitionAssigners: [RangeAssigner, PartitionAssigners.roundRobin] as unknown as NestPartitionAssigner[],
    },
    parser: { keepBinary: true },
  };
}
