import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { databaseEnv, kafkaEnv, serviceEnv } from './schemas';

const schema = serviceEnv.extend(databaseEnv.shape).extend(kafkaEnv.shape);
const valid = {
  PORT: '3002',
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_checkout',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
};

describe('loadConfig', () => {
  it('returns a typed object with defaults', () => {
    const config = loadConfig(schema, valid);
    expect(config.PORT).toBe(3002);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9092']);
    expect(config.SERVICE_VERSION).toBe('0.0.0-dev');
  });

  it('names every bad variable and what was wrong', () => {
    const attempt = () => loadConfig(schema, { ...valid, PORT: 'eighty', KAFKA_BROKERS: 'localhost' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(attempt).toThrow(/KAFKA_BROKERS: each broker must be host:port/);
  });

  it('says when a required variable is missing', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    expect(() => loadConfig(schema, rest)).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('never echoes secret values', () => {
    const secretSchema = z.object({ JWT_PRIVATE_KEY: z.string().min(100) });
    expect(() => loadConfig(secretSchema, { JWT_PRIVATE_KEY: 'short-secret' })).toThrow(/JWT_PRIVATE_KEY: .*\(got "\*\*\*"\)/);
  });
});
