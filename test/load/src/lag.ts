import { Admin } from 'kafkajs';
import { TopicLag } from './keda';

/**
 * The group's lag per topic as KEDA computes it: end offset minus committed offset per partition;
 * a partition the group never committed counts from the earliest offset (offsetResetPolicy: earliest).
 */
export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<TopicLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  return Promise.all(
    topics.map(async (topic) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const commits = committed.find((c) => c.topic === topic)?.partitions ?? [];
      let lag = 0;
      for (const p of ends) {
        const offset = Number(commits.find((c) => c.partition === p.partition)?.offset ?? -1);
        lag += Number(p.high) - (offset >= 0 ? offset : Number(p.low));
      }
      return { topic, lag, partitions: ends.length };
    }),
  );
}
