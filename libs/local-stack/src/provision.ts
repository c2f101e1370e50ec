/**
 * Brings the running local stack to the state the services expect: one database per service
 * with its migrations applied, and every contract topic with its partition count.
 * Idempotent: `stack up` runs it every time.
 */
import { Kafka, logLevel } from 'kafkajs';
import { topicSpecs } from '@boxoffice/contracts';
import { databaseUrlFor, deployMigrations, SERVICES } from '@boxoffice/db-migrate';

async function ensureTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'boxoffice-provision', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(({ topic, partitions }) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    const metadata = await admin.fetchTopicMetadata({ topics: topicSpecs.map((s) => s.topic) });
    for (const spec of topicSpecs) {
      const found = metadata.topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
      if (found < spec.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: spec.partitions }] });
      }
    }
    console.log(`provision: topics ready (${topicSpecs.map((s) => `${s.topic}×${s.partitions}`).join(', ')})${missing.length ? `, created ${missing.length}` : ''}`);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: run through "npm run stack -- up"');
  for (const service of SERVICES) {
    const result = await deployMigrations({ service, url: databaseUrlFor(service) });
    console.log(`provision: ${service} database ready (${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied)`);
  }
  await ensureTopics(brokers);
}

main().catch((error: unknown) => {
  console.error(`provision: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
