import { Kafka, logLevel } from 'kafkajs';

/**
 * Commits the current end of each topic for a consumer group that has not started yet, so that it
 * reads only what is published from now on, not the shared stack's history. (kafkajs'
 * `resetOffsets` would commit -1, "no offset", and a consumer reading from the beginning would
 * then replay everything.)
 */
export async function startConsumerGroupAtEnd(brokers: string[], groupId: string, topics: readonly string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-group-setup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
}
