import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { topics } from '@boxoffice/contracts';
import { databaseUrlFor } from '@boxoffice/db-migrate';
import { freePort, SERVICE_NAMES, ServiceName, ServiceProcess, StackEnv, startConsumerGroupAtEnd, waitFor } from '@boxoffice/testing';

export interface ColdStart {
  service: ServiceName;
  /** Spawn of `node dist/main.js` to the first 200 from /health/ready, per run (ms). */
  runsMs: number[];
  medianMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Each service started `runs` times from its built dist against the stack's databases; polled every 10 ms. */
export async function benchColdStart(stack: StackEnv, runs: number, log: (line: string) => void): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  const groups: string[] = [];
  for (const service of SERVICE_NAMES) {
    const runsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // notify gets a group of its own so that it does not take partitions from the stack's notify.
      // The group starts at the end of the topics, as the stack's notify group is (and a cluster's
      // after a restart or scale-out): otherwise the consumer, which reads from the beginning, would
      // replay every event earlier runs and load tests left while the start is being timed.
      const group = `notify-bench-cold-${randomUUID().slice(0, 8)}`;
      if (service === 'notify') {
        groups.push(group);
        await startConsumerGroupAtEnd(stack.kafkaBrokers, group, topics);
      }
      const port = await freePort();
      const started = performance.now();
      const proc = ServiceProcess.spawn({
        service,
        port,
        env: { SERVICE_VERSION: 'bench', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrlFor(service), KAFKA_BROKERS: stack.kafkaBrokers.join(','), KAFKA_CONSUMER_GROUP: group, METRICS_PORT: '0' },
      });
      try {
        await waitFor(async () => (await fetch(`${proc.url}/health/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, intervalMs: 10, what: `${service} to be ready` });
        runsMs.push(Math.round(performance.now() - started));
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${proc.logs()}`);
      } finally {
        await proc.stop('SIGTERM');
      }
    }
    results.push({ service, runsMs, medianMs: median(runsMs) });
    log(`cold start: ${service} ${runsMs.join(', ')} ms`);
  }
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteGroups(groups).catch(() => undefined);
  await admin.disconnect();
  return results;
}
