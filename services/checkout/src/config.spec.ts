import * as path from 'node:path';
import { ConfigError, loadConfig } from '@boxoffice/config';
import { flagsEnvOf, loadFlagsSettings } from '@boxoffice/flags';
import { checkoutConfigSchema } from './config';

const repoRoot = path.resolve(__dirname, '../../..');
const valid = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/boxoffice_checkout', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('checkout configuration', () => {
  it('applies the defaults', () => {
    expect(loadConfig(checkoutConfigSchema, valid)).toMatchObject({
      PORT: 3002,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      SERVICE_VERSION: '0.0.0-dev',
      JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
      JWT_ISSUER: 'https://login.boxoffice',
      PRICING_STRATEGY: 'standard',
      PAYMENT_FAILURE_RATE: 0,
    });
  });

  it('takes the version reported in headers and /health from SERVICE_VERSION', () => {
    expect(loadConfig(checkoutConfigSchema, { ...valid, SERVICE_VERSION: '1.4.0+abc123' }).SERVICE_VERSION).toBe('1.4.0+abc123');
  });

  it('reads the payment simulator and pricing settings', () => {
    const config = loadConfig(checkoutConfigSchema, { ...valid, PAYMENT_LATENCY_MS: '250', PAYMENT_FAILURE_RATE: '0.3', PRICING_STRATEGY: 'dynamic' });
    expect(config).toMatchObject({ PAYMENT_LATENCY_MS: 250, PAYMENT_FAILURE_RATE: 0.3, PRICING_STRATEGY: 'dynamic' });
  });

  it.each([
    [{ PAYMENT_FAILURE_RATE: '1.5' }, /PAYMENT_FAILURE_RATE: must be between 0 and 1 \(got "1.5"\)/],
    [{ PRICING_STRATEGY: 'surge' }, /PRICING_STRATEGY: .*\(got "surge"\)/],
    [{ JWKS_URL: 'ftp://login/jwks' }, /JWKS_URL: /],
    [{ PAYMENT_TIMEOUT_MS: '5000', ORDER_PENDING_TIMEOUT_MS: '4000' }, /ORDER_PENDING_TIMEOUT_MS: must be greater than PAYMENT_TIMEOUT_MS/],
    [{ FLAGS_ENVIRONMENT: 'qa' }, /FLAGS_ENVIRONMENT: .*\(got "qa"\)/],
    [{ FLIPT_URL: 'flipt:8080' }, /FLIPT_URL: must be an http\(s\):\/\/ URL/],
    [{ FLAGS_REFRESH_INTERVAL_MS: '10' }, /FLAGS_REFRESH_INTERVAL_MS: /],
  ])('refuses %j naming the variable', (change, message) => {
    expect(() => loadConfig(checkoutConfigSchema, { ...valid, ...change })).toThrow(message);
  });

  it('hands the flag settings to FlagsModule as it reads them: the repo files by default, the Flipt server when FLIPT_URL is set', () => {
    const files = loadFlagsSettings(flagsEnvOf(loadConfig(checkoutConfigSchema, valid)), repoRoot);
    expect(files).toMatchObject({ namespace: 'boxoffice', environment: 'dev', refreshIntervalMs: 1000, source: { kind: 'files', dir: expect.stringMatching(/k8s\/flags$/) } });
    const server = loadFlagsSettings(flagsEnvOf(loadConfig(checkoutConfigSchema, { ...valid, FLIPT_URL: 'http://flipt:8080', FLAGS_ENVIRONMENT: 'prod', FLAGS_REFRESH_INTERVAL_MS: '2000' })));
    expect(server).toEqual({ namespace: 'boxoffice', environment: 'prod', refreshIntervalMs: 2000, source: { kind: 'flipt', url: 'http://flipt:8080' } });
  });

  it('fails fast naming a missing database URL', () => {
    expect(() => loadConfig(checkoutConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(ConfigError);
    expect(() => loadConfig(checkoutConfigSchema, { KAFKA_BROKERS: valid.KAFKA_BROKERS })).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('refuses a non-PostgreSQL database URL', () => {
    expect(() => loadConfig(checkoutConfigSchema, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });
});
