import type { Admin } from 'kafkajs';
import type { ConsumerLag } from './metrics';

/** The two kafkajs admin calls lag needs (an `Admin` satisfies it). */
export type LagAdmin = Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;

/**
 * Lag of a consumer group on each partition of the given topics: the partition's high watermark
 * minus the group's committed offset. A partition the group never committed counts from the low
 * watermark, as KEDA's Kafka scaler does with `offsetResetPolicy: earliest`, so both report the
 * same number. Feed it to `observeConsumerLag(() => kafkaConsumerLag(admin, group, topics))`.
 */
export async function kafkaConsumerLag(admin: LagAdmin, consumerGroup: string, topics: readonly string[]): Promise<ConsumerLag[]> {
  const [committed, ...watermarks] = await Promise.all([
    admin.fetchOffsets({ groupId: consumerGroup, topics: [...topics] }),
    ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
  ]);
  const committedOffset = new Map<string, bigint>();
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) committedOffset.set(`${topic}\0${partition}`, BigInt(offset));
  }
  const lags: ConsumerLag[] = [];
  topics.forEach((topic, i) => {
    for (const { partition, high, low } of watermarks[i]) {
      const done = committedOffset.get(`${topic}\0${partition}`) ?? -1n;
      const from = done < 0n ? BigInt(low) : done;
      const lag = BigInt(high) - from;
      lags.push({ topic, partition, consumerGroup, lag: Number(lag > 0n ? lag : 0n) });
    }
  });
  return lags;
}
