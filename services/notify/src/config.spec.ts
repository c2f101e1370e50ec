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

describe('notify channels and retries', () => {
  it('sends e-mail by default and needs no webhook URL for it', () => {
    expect(loadConfig(notifyConfigSchema, valid)).toMatchObject({ NOTIFY_DEFAULT_CHANNEL: 'email', WEBHOOK_MAX_ATTEMPTS: 4, PROCESSING_MAX_ATTEMPTS: 3 });
  });

  it('refuses webhook as the default channel without WEBHOOK_URL, naming the variable', () => {
    expect(() => loadConfig(notifyConfigSchema, { ...valid, NOTIFY_DEFAULT_CHANNEL: 'webhook' })).toThrow(/WEBHOOK_URL: required when NOTIFY_DEFAULT_CHANNEL is webhook/);
    expect(loadConfig(notifyConfigSchema, { ...valid, NOTIFY_DEFAULT_CHANNEL: 'webhook', WEBHOOK_URL: 'https://hooks.example/notify' }).WEBHOOK_URL).toBe(
      'https://hooks.example/notify',
    );
  });

  it('refuses an unknown channel', () => {
    expect(() => loadConfig(notifyConfigSchema, { ...valid, NOTIFY_DEFAULT_CHANNEL: 'pigeon' })).toThrow(/NOTIFY_DEFAULT_CHANNEL: .*\(got "pigeon"\)/);
  });

  it('refuses a webhook attempt that could outlive the consumer session', () => {
    expect(() => loadConfig(notifyConfigSchema, { ...valid, WEBHOOK_TIMEOUT_MS: '9000', WEBHOOK_BACKOFF_MAX_MS: '2000' })).toThrow(
      /WEBHOOK_TIMEOUT_MS: WEBHOOK_TIMEOUT_MS \+ WEBHOOK_BACKOFF_MAX_MS must stay below KAFKA_SESSION_TIMEOUT_MS \(10000 ms\)/,
    );
  });
});
