import type { Kafka } from 'kafkajs';

export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

/**
 * Commits offsets for a consumer group that has no running members, by joining it briefly.
 * (kafkajs' admin.setOffsets does the same but waits out a full fetch, about 5 s per topic.)
 */
export async function commitGroupOffsets(kafka: Kafka, groupId: string, offsets: TopicOffsets[]): Promise<void> {
  const member = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  await member.connect();
  try {
    await member.subscribe({ topics: offsets.map((o) => o.topic) });
    await member.run({ autoCommit: false, eachMessage: async () => undefined });
    await member.commitOffsets(offsets.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))));
  } finally {
    await member.disconnect();
  }
}
