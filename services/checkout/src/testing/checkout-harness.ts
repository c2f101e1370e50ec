import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { createTestIssuer, serveJwks, ServedJwks, TestIssuer } from '@boxoffice/auth/testing';
import type { Principal } from '@boxoffice/auth';
import { loadConfig } from '@boxoffice/config';
import { configureHttpApp } from '@boxoffice/http';
import { StackEnv, TEST_OPERATIONS_TOKEN } from '@boxoffice/testing';
import { AppModule } from '../app.module';
import { checkoutConfigSchema, CheckoutConfig } from '../config';
import { copyRepoFlags } from './flag-files';

/** A login stand-in: signs tokens with a key whose JWKS is served over HTTP, as login's is. */
export interface TestLogin {
  issuer: TestIssuer;
  jwks: ServedJwks;
  token(principal?: Partial<Principal>): Promise<string>;
  close(): Promise<void>;
}

export async function startTestLogin(): Promise<TestLogin> {
  const issuer = await createTestIssuer();
  const jwks = await serveJwks(issuer);
  return { issuer, jwks, token: (principal) => issuer.sign(principal, { expiresIn: '15m' }), close: () => jwks.close() };
}

export interface CheckoutApp {
  app: INestApplication;
  url: string;
  config: CheckoutConfig;
  close(): Promise<void>;
}

export interface StartCheckoutOptions {
  stack: StackEnv;
  databaseUrl: string;
  login: TestLogin;
  env?: Record<string, string>;
  /** Replace what must be replaced (e.g. the Kafka producer in the broker-outage test). */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * The real checkout application, in-process, listening on 127.0.0.1 with real PostgreSQL and Kafka.
 * Unless `env` sets FLAGS_DIR, it reads a private copy of the repo's flags in which nobody gets
 * the new pricing, so prices are what PRICING_STRATEGY says (as they were before the flag).
 */
export async function startCheckout(options: StartCheckoutOptions): Promise<CheckoutApp> {
  const defaultFlags = options.env?.FLAGS_DIR ? undefined : copyRepoFlags();
  defaultFlags?.set('checkout-new-pricing', { kind: 'rollout', percent: 0 });
  const config = loadConfig(checkoutConfigSchema, {
    SERVICE_VERSION: 'int-test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: '10',
    KAFKA_BROKERS: options.stack.kafkaBrokers.join(','),
    JWKS_URL: options.login.jwks.url,
    PAYMENT_LATENCY_MS: '5',
    OPERATIONS_TOKEN: TEST_OPERATIONS_TOKEN,
    // The dev environment gives everyone the new pricing (env-dev segment); staging follows the percentage.
    ...(defaultFlags ? { FLAGS_DIR: defaultFlags.dir, FLAGS_ENVIRONMENT: 'staging' } : {}),
    ...options.env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  const moduleRef = await (options.customize ? options.customize(builder) : builder).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { service: 'checkout', version: config.SERVICE_VERSION, description: 'checkout under test' });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const close = async () => {
    await app.close();
    defaultFlags?.remove();
  };
  return { app, url: `http://127.0.0.1:${address.port}`, config, close };
}
