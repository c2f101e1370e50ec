import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

/** host:port[,host:port…] */
export const brokerList = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port')).min(1));

export const serviceEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port,
  HOST: z.string().default('0.0.0.0'),
  SERVICE_VERSION: z.string().min(1).default('0.0.0-dev'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Bearer token for the operations endpoints (/health/outbox, /consumer/stats); unset: they answer 403. */
  OPERATIONS_TOKEN: z.string().min(24, 'must be at least 24 characters (e.g. openssl rand -hex 16)').optional(),
});

export const databaseEnv = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' })
    .describe('PostgreSQL connection URL of this service’s own database'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export const kafkaEnv = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1500),
});

export type ServiceEnv = z.infer<typeof serviceEnv>;
export type DatabaseEnv = z.infer<typeof databaseEnv>;
export type KafkaEnv = z.infer<typeof kafkaEnv>;
