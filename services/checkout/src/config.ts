import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { z } from 'zod';

export const checkoutConfigSchema = serviceEnv.extend(databaseEnv.shape).extend(kafkaEnv.shape).extend({
  PORT: serviceEnv.shape.PORT.default(3002),
});

export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
export const CHECKOUT_CONFIG = Symbol('CHECKOUT_CONFIG');
