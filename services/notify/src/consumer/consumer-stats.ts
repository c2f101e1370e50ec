export type InboxOutcome = 'notified' | 'redelivered' | 'duplicate' | 'dead-lettered';

/** Why a message went to the dead-letter topic (the first word of its reason header). */
export type DeadLetterCategory = 'contract-violation' | 'delivery-failed' | 'processing-failed';

/** One handled message: what a processing-duration histogram and outcome counters record. */
export interface HandledSample {
  topic: string;
  partition: number;
  outcome: InboxOutcome;
  /** Set when the outcome is dead-lettered. */
  deadLetterCategory?: DeadLetterCategory;
  durationMs: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages behind the partition's end after the last batch this instance processed. */
  lag: number;
  highWatermark: string;
  updatedAt: string;
}

export interface ConsumerStatsSnapshot {
  consumerGroup: string;
  /** Topic-partitions this instance owns now (empty: an idle member of the group). */
  assignment: Record<string, number[]>;
  handled: Record<InboxOutcome, number>;
  processedTotal: number;
  deadLettered: number;
  deadLetteredBy: Record<DeadLetterCategory, number>;
  /** Handled messages per second over the last `rateWindowSeconds`. */
  processedPerSecond: number;
  rateWindowSeconds: number;
  durationMs: { count: number; mean: number; max: number };
  lag: PartitionLag[];
}

const RATE_WINDOW_SECONDS = 10;

/**
 * The consumer's numbers, kept in memory: outcome counters, processing durations, lag per owned
 * partition and the current assignment. `snapshot()` serves /consumer/stats; `onHandled()` lets
 * an OpenTelemetry histogram or counter observe every sample.
 */
export class ConsumerStats {
  private readonly handled: Record<InboxOutcome, number> = { notified: 0, redelivered: 0, duplicate: 0, 'dead-lettered': 0 };
  private readonly deadLetteredBy: Record<DeadLetterCategory, number> = { 'contract-violation': 0, 'delivery-failed': 0, 'processing-failed': 0 };
  private readonly lag = new Map<string, PartitionLag>();
  private readonly perSecond = new Map<number, number>();
  private readonly listeners = new Set<(sample: HandledSample) => void>();
  private assignment: Record<string, number[]> = {};
  private durationCount = 0;
  private durationTotal = 0;
  private durationMax = 0;

  constructor(
    readonly consumerGroup: string,
    private readonly now: () => number = Date.now,
  ) {}

  recordHandled(sample: HandledSample): void {
    this.handled[sample.outcome] += 1;
    if (sample.deadLetterCategory) this.deadLetteredBy[sample.deadLetterCategory] += 1;
    this.durationCount += 1;
    this.durationTotal += sample.durationMs;
    this.durationMax = Math.max(this.durationMax, sample.durationMs);
    const second = Math.floor(this.now() / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    for (const old of this.perSecond.keys()) if (old <= second - RATE_WINDOW_SECONDS) this.perSecond.delete(old);
    for (const listener of this.listeners) listener(sample);
  }

  /** From kafkajs' end-of-batch event: the partition's lag once the batch was processed. */
  recordBatch(batch: { topic: string; partition: number; highWatermark: string; offsetLag: string }): void {
    this.lag.set(`${batch.topic}/${batch.partition}`, {
      topic: batch.topic,
      partition: batch.partition,
      lag: Number(batch.offsetLag),
      highWatermark: batch.highWatermark,
      updatedAt: new Date(this.now()).toISOString(),
    });
  }

  /** From kafkajs' group-join event: partitions moved, so forget the lag of those this instance lost. */
  recordAssignment(assignment: Record<string, number[]>): void {
    this.assignment = Object.fromEntries(Object.entries(assignment).map(([topic, partitions]) => [topic, [...partitions].sort((a, b) => a - b)]));
    for (const [key, entry] of this.lag) if (!this.assignment[entry.topic]?.includes(entry.partition)) this.lag.delete(key);
  }

  onHandled(listener: (sample: HandledSample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): ConsumerStatsSnapshot {
    const second = Math.floor(this.now() / 1000);
    let recent = 0;
    for (const [at, count] of this.perSecond) if (at > second - RATE_WINDOW_SECONDS) recent += count;
    return {
      consumerGroup: this.consumerGroup,
      assignment: this.assignment,
      handled: { ...this.handled },
      processedTotal: Object.values(this.handled).reduce((a, b) => a + b, 0),
      deadLettered: this.handled['dead-lettered'],
      deadLetteredBy: { ...this.deadLetteredBy },
      processedPerSecond: recent / RATE_WINDOW_SECONDS,
      rateWindowSeconds: RATE_WINDOW_SECONDS,
      durationMs: {
        count: this.durationCount,
        mean: this.durationCount === 0 ? 0 : this.durationTotal / this.durationCount,
        max: this.durationMax,
      },
      lag: [...this.lag.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
    };
  }
}
