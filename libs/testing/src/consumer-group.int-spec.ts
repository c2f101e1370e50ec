import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startConsumerGroupAtEnd } from './consumer-group';
import { requireStackEnv } from './stack-env';

const stack = requireStackEnv();

describe('startConsumerGroupAtEnd against the real broker', () => {
  it('commits the end offset of every partition, so a new group skips the history', async () => {
    // A topic of its own: what it writes must not reach the services' consumers.
    const topic = 'boxoffice-testing.group-at-end';
    const kafka = new Kafka({ clientId: 'group-at-end-test', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    const groupId = `group-at-end-${randomUUID().slice(0, 8)}`;
    try {
      await producer.send({ topic, messages: [{ key: 'a', value: 'history' }, { key: 'b', value: 'history' }] });
      const ends = await admin.fetchTopicOffsets(topic);
      await startConsumerGroupAtEnd(stack.kafkaBrokers, groupId, [topic]);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed.partitions.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition)).toEqual(
        ends.map(({ partition, high }) => ({ partition, offset: high })).sort((a, b) => a.partition - b.partition),
      );
      expect(committed.partitions.some((p) => Number(p.offset) > 0)).toBe(true);
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
