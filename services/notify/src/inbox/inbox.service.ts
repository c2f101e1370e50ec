import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { EventOf, parseEvent } from '@boxoffice/contracts';
import { commitMessage, CommitContext } from '@boxoffice/kafka';
import { HeadersLike, recordMessageProcessed, withConsumerSpan } from '@boxoffice/telemetry';
import { DeliveryFailedError } from '../channels/channel';
import { ConsumerStats, DeadLetterCategory, InboxOutcome } from '../consumer/consumer-stats';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { ConsumedTopic } from '../notifications/notification-draft';
import { NotificationService } from '../notifications/notification.service';
import { ConsumedMessage, MessageSource } from './message-source';
import { ProcessingFailedError, ProcessingRetry } from './processing-retry';

/** The part of Nest's KafkaContext the inbox uses. */
export interface InboxContext extends CommitContext {
  getMessage(): ConsumedMessage;
  getHeartbeat(): () => Promise<void>;
}

/**
 * Every consumed message ends in exactly one of: a notification (stored, then delivered), nothing
 * (its notification was already delivered), or a dead letter. Only then is its offset committed,
 * so a crash at any point means redelivery, never loss, and redelivery is recognised by event id.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(
    private readonly notifications: NotificationService,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly retry: ProcessingRetry,
    private readonly stats: ConsumerStats,
  ) {}

  /** Runs in the trace the producer started (the message's traceparent header). */
  async receive(topic: ConsumedTopic, ctx: InboxContext): Promise<InboxOutcome> {
    const started = performance.now();
    const message = ctx.getMessage();
    const source: MessageSource = { topic, partition: ctx.getPartition(), offset: message.offset };
    const traced = { topic, partition: source.partition, offset: message.offset, headers: message.headers as HeadersLike | undefined, consumerGroup: this.stats.consumerGroup };
    return withConsumerSpan(traced, async () => {
      try {
        const { outcome, deadLetterCategory } = await this.handle(topic, message, source, heartbeatOf(ctx));
        await commitMessage(ctx);
        this.stats.recordHandled({ topic, partition: source.partition, outcome, deadLetterCategory, durationMs: performance.now() - started });
        return outcome;
      } catch (error) {
        // Not committed: the message is delivered again.
        recordMessageProcessed(topic, 'error', (performance.now() - started) / 1000);
        throw error;
      }
    });
  }

  private async handle(
    topic: ConsumedTopic,
    message: ConsumedMessage,
    source: MessageSource,
    heartbeat: () => Promise<void>,
  ): Promise<{ outcome: InboxOutcome; deadLetterCategory?: DeadLetterCategory }> {
    const parsed = parseEvent(topic, message.value);
    if (!parsed.ok) {
      this.logger.warn({ ...source, reason: parsed.error.message }, 'rejected message that breaks its contract: dead-lettered');
      await this.deadLetters.send(message, source, { reason: `contract-violation: ${parsed.error.message}`, attempts: 1 });
      return { outcome: 'dead-lettered', deadLetterCategory: 'contract-violation' };
    }
    const event: EventOf<ConsumedTopic> = parsed.event;
    try {
      return { outcome: await this.retry.run(() => this.notifications.handle(topic, event, source, { heartbeat }), heartbeat) };
    } catch (error) {
      if (!(error instanceof DeliveryFailedError || error instanceof ProcessingFailedError)) throw error;
      const category = error instanceof DeliveryFailedError ? 'delivery-failed' : 'processing-failed';
      this.logger.warn({ ...source, eventId: event.eventId, reason: error.message }, `${category}: dead-lettered`);
      await this.deadLetters.send(message, source, { reason: `${category}: ${error.message}`, attempts: error.attempts });
      return { outcome: 'dead-lettered', deadLetterCategory: category };
    }
  }
}

/** A heartbeat that never fails the message: during a rebalance kafkajs rejects it, and the work is idempotent anyway. */
function heartbeatOf(ctx: InboxContext): () => Promise<void> {
  const heartbeat = ctx.getHeartbeat();
  return () => heartbeat().catch(() => undefined);
}
