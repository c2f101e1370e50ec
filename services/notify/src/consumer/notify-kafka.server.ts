import { ServerKafka } from '@nestjs/microservices';
import { ConsumerStats } from './consumer-stats';
import { KafkaServerOptions } from './consumer-options';

/**
 * Nest's Kafka transport with the consumer's instrumentation events wired to ConsumerStats before
 * it joins the group (the first join happens inside `run()`, before any outside code could listen).
 */
export class NotifyKafkaServer extends ServerKafka {
  constructor(
    options: KafkaServerOptions,
    private readonly stats: ConsumerStats,
  ) {
    super(options);
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer;
    if (!consumer) return;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.stats.recordAssignment(payload.memberAssignment);
      this.logger.log({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.stats.recordBatch(payload));
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      this.logger.error({ err: payload.error, restart: payload.restart }, 'Kafka consumer crashed'),
    );
  }
}
