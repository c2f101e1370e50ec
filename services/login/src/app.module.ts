import { DynamicModule, Logger, Module } from '@nestjs/common';
import { AuthGuard, TokenVerifier } from '@boxoffice/auth';
import { databaseProbe } from '@boxoffice/database';
import { HealthController, healthProviders, loggingModule } from '@boxoffice/http';
import { KafkaHealthProbe, KafkaModule } from '@boxoffice/kafka';
import { TelemetryShutdownHook } from '@boxoffice/telemetry';
import { kafkaViaOutbox, OutboxModule, OutboxRelay } from '@boxoffice/outbox';
import { AccountsRepository } from './accounts/accounts.repository';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { LOGIN_CONFIG, LoginConfig } from './config';
import { PrismaService } from './database/prisma.service';
import { TrustProxySetting } from './http/trust-proxy';
import { JwksController } from './keys/jwks.controller';
import { SigningKeys } from './keys/signing-keys';
import { PasswordHasher } from './passwords/password-hasher';
import { RATE_LIMIT_POLICIES, rateLimitPolicies } from './rate-limit/rate-limit-policies';
import { RateLimiter } from './rate-limit/rate-limiter';
import { AccessTokenIssuer } from './tokens/access-token.issuer';
import { RefreshTokenStore } from './tokens/refresh-token.store';

async function loadSigningKeys(config: LoginConfig): Promise<SigningKeys> {
  const keys = await SigningKeys.load(config);
  if (keys.ephemeral) {
    new Logger('SigningKeys').warn('JWT_PRIVATE_KEY_FILE is not set: signing with a throw-away key made at startup; tokens stop verifying when login restarts');
  }
  return keys;
}

async function preparedHasher(): Promise<PasswordHasher> {
  const hasher = new PasswordHasher();
  await hasher.prepare();
  return hasher;
}

@Module({})
export class AppModule {
  static forRoot(config: LoginConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ service: 'login', version: config.SERVICE_VERSION, level: config.LOG_LEVEL }),
        // Global so that OutboxModule's relay can inject the EventPublisher.
        KafkaModule.register({ env: config, clientId: 'login' }),
        OutboxModule.register({ databaseUrl: config.DATABASE_URL }),
      ],
      controllers: [HealthController, JwksController, AuthController],
      providers: [
        { provide: LOGIN_CONFIG, useValue: config },
        TelemetryShutdownHook,
        { provide: PrismaService, useFactory: () => new PrismaService({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }) },
        { provide: SigningKeys, useFactory: () => loadSigningKeys(config) },
        // login verifies its own tokens from memory: no HTTP round trip to itself.
        {
          provide: TokenVerifier,
          inject: [SigningKeys],
          useFactory: (keys: SigningKeys) => new TokenVerifier({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, keys: keys.verificationKeys() }),
        },
        AuthGuard,
        { provide: PasswordHasher, useFactory: preparedHasher },
        { provide: RATE_LIMIT_POLICIES, useValue: rateLimitPolicies(config) },
        RateLimiter,
        AccessTokenIssuer,
        RefreshTokenStore,
        AccountsRepository,
        AuthService,
        TrustProxySetting,
        ...healthProviders({
          identity: { service: 'login', version: config.SERVICE_VERSION },
          inject: [PrismaService, KafkaHealthProbe, OutboxRelay],
          // Registration keeps working while Kafka is away (its events wait in the outbox): Kafka is reported, never gating.
          checks: (db: PrismaService, kafka: KafkaHealthProbe, relay: OutboxRelay) => [databaseProbe(db), kafkaViaOutbox(kafka, relay)],
        }),
      ],
    };
  }
}
