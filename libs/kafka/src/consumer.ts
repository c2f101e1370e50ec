import { PipeTransform } from '@nestjs/common';
import { KafkaOptions, RpcException, Transport } from '@nestjs/microservices';
import type { KafkaEnv } from '@boxoffice/config';
import { EventOf, parseEvent, Topic } from '@boxoffice/contracts';
import { kafkaClientConfig } from './kafka-options';

export interface ConsumerOptions {
  env: KafkaEnv;
  clientId: string;
  /** The exact consumer group (no suffix is added): KEDA and dashboards refer to it by name. */
  groupId: string;
  partitionsConsumedConcurrently?: number;
}

/**
 * Options for `app.connectMicroservice()`: offsets are committed by the handler after its
 * effect is durable, never automatically.
 */
export function kafkaConsumerOptions(options: ConsumerOptions): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: kafkaClientConfig(options.env, options.clientId),
      consumer: { groupId: options.groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
      subscribe: { fromBeginning: true },
      run: { autoCommit: false, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1 },
    },
  };
}

/** Validates a consumed message against its topic's contract before any handler sees it. */
export class ContractPipe<T extends Topic> implements PipeTransform<unknown, EventOf<T>> {
  constructor(private readonly topic: T) {}

  transform(value: unknown): EventOf<T> {
    const parsed = parseEvent(this.topic, value);
    if (!parsed.ok) throw new RpcException({ reason: 'contract-violation', message: parsed.error.message });
    return parsed.event;
  }
}

/** The minimal view of Nest's KafkaContext that committing needs. */
export interface CommitContext {
  getTopic(): string;
  getPartition(): number;
  getMessage(): { offset: string };
  getConsumer(): { commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> };
}

/** Commits past this message: call only once its effect is durable. */
export async function commitMessage(ctx: CommitContext): Promise<void> {
  const next = (BigInt(ctx.getMessage().offset) + 1n).toString();
  await ctx.getConsumer().commitOffsets([{ topic: ctx.getTopic(), partition: ctx.getPartition(), offset: next }]);
}
