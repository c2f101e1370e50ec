import { ConfigError, loadConfig } from '@boxoffice/config';
import { loginConfigSchema } from './config';

const valid = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_login', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('login configuration', () => {
  it('applies the defaults', () => {
    expect(loadConfig(loginConfigSchema, valid)).toMatchObject({ PORT: 3001, NODE_ENV: 'development', LOG_LEVEL: 'info' });
  });

  it('fails fast naming a missing database URL', () => {
    expect(() => loadConfig(loginConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(ConfigError);
    expect(() => loadConfig(loginConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('refuses a non-PostgreSQL database URL', () => {
    expect(() => loadConfig(loginConfigSchema, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });
});
