import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { z } from 'zod';

export const loginConfigSchema = serviceEnv.extend(databaseEnv.shape).extend(kafkaEnv.shape).extend({
  PORT: serviceEnv.shape.PORT.default(3001),
});

export type LoginConfig = z.infer<typeof loginConfigSchema>;
export const LOGIN_CONFIG = Symbol('LOGIN_CONFIG');
