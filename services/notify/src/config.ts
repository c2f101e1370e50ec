import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { z } from 'zod';

export const notifyConfigSchema = serviceEnv.extend(databaseEnv.shape).extend(kafkaEnv.shape).extend({
  PORT: serviceEnv.shape.PORT.default(3003),
  /** KEDA's ScaledObject names this group: keep the two equal. */
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('notify'),
});

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export const NOTIFY_CONFIG = Symbol('NOTIFY_CONFIG');
