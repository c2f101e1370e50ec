import { authEnv } from '@boxoffice/auth';
import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { flagsEnv } from '@boxoffice/flags';
import { z } from 'zod';

const milliseconds = (max: number) => z.coerce.number().int().min(0).max(max);

export const checkoutConfigSchema = serviceEnv
  .extend(databaseEnv.shape)
  .extend(kafkaEnv.shape)
  .extend(authEnv.shape)
  .extend(flagsEnv.shape)
  .extend({
    PORT: serviceEnv.shape.PORT.default(3002),
    /** login's key set; the local default is login on its default port. Deployments set it. */
    JWKS_URL: authEnv.shape.JWKS_URL.default('http://127.0.0.1:3001/.well-known/jwks.json'),
    /** Pricing for buyers the `checkout-new-pricing` flag does not move to dynamic: standard | dynamic. */
    PRICING_STRATEGY: z.enum(['standard', 'dynamic']).default('standard'),
    /** Payment simulator: latency per charge; `checkout-added-latency-ms` adds to it. */
    PAYMENT_LATENCY_MS: milliseconds(60_000).default(50),
    /** Payment simulator: share of charges that fail (0..1); `checkout-payment-failure-rate` can only raise it. */
    PAYMENT_FAILURE_RATE: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0),
    /** A charge that takes longer fails the order as payment-timeout. */
    PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(3_000),
    /**
     * A pending order older than this is failed by the sweeper and its seats released (the
     * process that placed it died mid-payment). Must exceed PAYMENT_TIMEOUT_MS.
     */
    ORDER_PENDING_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** Idempotency keys (and the responses they replay) are kept this long. */
    IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  })
  .refine((env) => env.ORDER_PENDING_TIMEOUT_MS > env.PAYMENT_TIMEOUT_MS, {
    path: ['ORDER_PENDING_TIMEOUT_MS'],
    message: 'must be greater than PAYMENT_TIMEOUT_MS, or orders still being paid would be failed',
  });

export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
export const CHECKOUT_CONFIG = Symbol('CHECKOUT_CONFIG');

