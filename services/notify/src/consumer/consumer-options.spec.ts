import { loadConfig } from '@boxoffice/config';
import { notifyConfigSchema } from '../config';
import { notifyConsumerOptions } from './consumer-options';

const config = loadConfig(notifyConfigSchema, {
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_notify',
  KAFKA_BROKERS: '127.0.0.1:9092',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_PARTITIONS_CONCURRENCY: '2',
});

describe('notify consumer options', () => {
  const options = notifyConsumerOptions(config);

  it('joins the exact configured group, commits manually and keeps the original bytes', () => {
    expect(options.consumer).toMatchObject({ groupId: 'notify', sessionTimeout: 6000, heartbeatInterval: 1000 });
    expect(options.postfixId).toBe('');
    expect(options.run).toMatchObject({ autoCommit: false, partitionsConsumedConcurrently: 2 });
    expect(options.parser).toEqual({ keepBinary: true });
  });

  it('prefers the range assigner and still offers round-robin for a rolling upgrade', () => {
    const names = options.consumer!.partitionAssigners!.map((assigner) => assigner({ cluster: {} } as never).name);
    expect(names).toEqual(['RangeAssigner', 'RoundRobinAssigner']);
  });
});
