import { ConfigError, loadConfig } from '@boxoffice/config';
import { loginConfigSchema } from './config';

const valid = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_login', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('login configuration', () => {
  it('applies the defaults', () => {
    expect(loadConfig(loginConfigSchema, valid)).toMatchObject({
      PORT: 3001,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      JWT_ISSUER: 'https://login.boxoffice',
      JWT_AUDIENCE: 'boxoffice',
      ACCESS_TOKEN_TTL: 15 * 60_000,
      REFRESH_TOKEN_TTL: 30 * 86_400_000,
      TRUST_PROXY: false,
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: { limit: 10, windowMs: 15 * 60_000 },
    });
  });

  it('fails fast naming a missing database URL', () => {
    expect(() => loadConfig(loginConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(ConfigError);
    expect(() => loadConfig(loginConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('refuses a non-PostgreSQL database URL', () => {
    expect(() => loadConfig(loginConfigSchema, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });

  it('requires a signing key file in production', () => {
    expect(() => loadConfig(loginConfigSchema, { ...valid, NODE_ENV: 'production' })).toThrow(/JWT_PRIVATE_KEY_FILE: is required in production/);
    expect(loadConfig(loginConfigSchema, { ...valid, NODE_ENV: 'production', JWT_PRIVATE_KEY_FILE: '/run/secrets/jwt.pem' }).JWT_PRIVATE_KEY_FILE).toBe(
      '/run/secrets/jwt.pem',
    );
  });

  it('parses rate limits and durations, naming the variable when one is malformed', () => {
    const config = loadConfig(loginConfigSchema, { ...valid, RATE_LIMIT_REGISTER_PER_IP: '3/90s', ACCESS_TOKEN_TTL: '5m', TRUST_PROXY: '1' });
    expect(config.RATE_LIMIT_REGISTER_PER_IP).toEqual({ limit: 3, windowMs: 90_000 });
    expect(config.ACCESS_TOKEN_TTL).toBe(300_000);
    expect(config.TRUST_PROXY).toBe(1);
    expect(() => loadConfig(loginConfigSchema, { ...valid, RATE_LIMIT_LOGIN_PER_IP: 'ten' })).toThrow(/RATE_LIMIT_LOGIN_PER_IP: must be <limit>\/<window>/);
    expect(() => loadConfig(loginConfigSchema, { ...valid, ACCESS_TOKEN_TTL: '2h' })).toThrow(/ACCESS_TOKEN_TTL: must be between 1m and 1h/);
  });

  it('trusts a number of proxy hops, never proxies by address', () => {
    expect(loadConfig(loginConfigSchema, { ...valid, TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(loadConfig(loginConfigSchema, { ...valid, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    for (const value of ['loopback', 'true', '127.0.0.1/8', '-1']) {
      expect(() => loadConfig(loginConfigSchema, { ...valid, TRUST_PROXY: value })).toThrow(/TRUST_PROXY: must be the number of proxies that append to X-Forwarded-For/);
    }
  });
});
