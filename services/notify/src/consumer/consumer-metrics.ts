import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { countDeadLetter, MessageOutcome, observeConsumerLag, recordMessageProcessed } from '@boxoffice/telemetry';
import { ConsumerStats, InboxOutcome } from './consumer-stats';

/** A message that ends with its offset committed is a success unless it went to the dead-letter topic. */
const OUTCOMES: Record<InboxOutcome, MessageOutcome> = { notified: 'success', redelivered: 'success', duplicate: 'success', 'dead-lettered': 'dead_letter' };

/**
 * Feeds the consumer's own numbers into the Prometheus series (docs/observability.md): every
 * handled message into `messaging_process_duration_seconds` and `boxoffice_dead_letters_total`,
 * and the lag of the partitions this instance owns into `boxoffice_consumer_lag` at each scrape.
 * Messages that fail and are redelivered (`error`) are recorded by the inbox, which sees them.
 */
@Injectable()
export class ConsumerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stops: Array<() => void> = [];

  constructor(private readonly stats: ConsumerStats) {}

  onApplicationBootstrap(): void {
    this.stops.push(
      this.stats.onHandled((sample) => {
        recordMessageProcessed(sample.topic, OUTCOMES[sample.outcome], sample.durationMs / 1000);
        if (sample.deadLetterCategory) countDeadLetter(sample.topic, sample.deadLetterCategory);
      }),
      observeConsumerLag(() => {
        const { consumerGroup, lag } = this.stats.snapshot();
        return lag.map(({ topic, partition, lag: behind }) => ({ topic, partition, consumerGroup, lag: behind }));
      }),
    );
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
