import { authEnv } from '@boxoffice/auth';
import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { flagsEnv } from '@boxoffice/flags';
import { z } from 'zod';
import { NotificationChannel } from './generated/prisma/enums';

const milliseconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const notifyConfigSchema = serviceEnv
  .extend(databaseEnv.shape)
  .extend(kafkaEnv.shape)
  .extend(authEnv.shape)
  .extend(flagsEnv.shape)
  .extend({
    PORT: serviceEnv.shape.PORT.default(3003),
    /** login's keys; the default is login's local port, deployments set it to login's Service. */
    JWKS_URL: authEnv.shape.JWKS_URL.default('http://127.0.0.1:3001/.well-known/jwks.json'),
    /** KEDA's ScaledObject names this group: keep the two equal. */
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('notify'),
    /**
     * Partitions one instance works on at once (each partition stays strictly in order). 1: an
     * instance is one unit of capacity and scaling out (KEDA, up to the partition count) adds lanes.
     */
    KAFKA_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
    /** The broker evicts a member that has not sent a heartbeat for this long (its partitions move). */
    KAFKA_SESSION_TIMEOUT_MS: milliseconds(6_000, 300_000).default(10_000),
    /** How long the e-mail, SMS and push simulators take per send, as a provider's API call would. */
    SIMULATED_SEND_LATENCY_MS: milliseconds(0, 10_000).default(50),
    /** Channel used until the `notify-channel` flag decides per plan and region. */
    NOTIFY_DEFAULT_CHANNEL: z.enum(NotificationChannel).default('email'),
    /** Attempts for a message whose processing fails while the database is reachable, then dead letter. */
    PROCESSING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    /** Where the webhook channel POSTs notifications (JSON). Required when webhook is the default channel. */
    WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
    WEBHOOK_TIMEOUT_MS: milliseconds(100, 30_000).default(2_000),
    /** Attempts per delivery (first try included) before the event is dead-lettered. */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    /** Exponential backoff between webhook attempts: from the initial delay, doubling, capped. */
    WEBHOOK_BACKOFF_INITIAL_MS: milliseconds(1, 10_000).default(200),
    WEBHOOK_BACKOFF_MAX_MS: milliseconds(1, 60_000).default(2_000),
  })
  .superRefine((config, ctx) => {
    if (config.NOTIFY_DEFAULT_CHANNEL === 'webhook' && !config.WEBHOOK_URL) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'required when NOTIFY_DEFAULT_CHANNEL is webhook' });
    }
    // The consumer heartbeats between attempts, so one attempt (not the whole retry budget) must fit in a session.
    if (config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_BACKOFF_MAX_MS >= config.KAFKA_SESSION_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_TIMEOUT_MS'],
        message: `WEBHOOK_TIMEOUT_MS + WEBHOOK_BACKOFF_MAX_MS must stay below KAFKA_SESSION_TIMEOUT_MS (${config.KAFKA_SESSION_TIMEOUT_MS} ms)`,
      });
    }
    if (config.WEBHOOK_BACKOFF_INITIAL_MS > config.WEBHOOK_BACKOFF_MAX_MS) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_BACKOFF_INITIAL_MS'], message: 'must not exceed WEBHOOK_BACKOFF_MAX_MS' });
    }
  });

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export const NOTIFY_CONFIG = Symbol('NOTIFY_CONFIG');

