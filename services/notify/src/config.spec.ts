import { ConfigError, loadConfig } from '@boxoffice/config';
import { notifyConfigSchema } from './config';

const valid = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_notify', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('notify configuration', () => {
  it('applies the defaults', () => {
    expect(loadConfig(notifyConfigSchema, valid)).toMatchObject({ PORT: 3003, NODE_ENV: 'development', LOG_LEVEL: 'info' });
  });

  it('fails fast naming a missing database URL', () => {
    expect(() => loadConfig(notifyConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(ConfigError);
    expect(() => loadConfig(notifyConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('refuses a non-PostgreSQL database URL', () => {
    expect(() => loadConfig(notifyConfigSchema, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });
});

describe('notify consumer group', () => {
  it('defaults to "notify", the group KEDA scales on', () => {
    expect(loadConfig(notifyConfigSchema, valid).KAFKA_CONSUMER_GROUP).toBe('notify');
  });
});
