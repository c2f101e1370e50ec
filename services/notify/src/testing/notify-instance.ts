import { freePort, ServiceProcess, StackEnv, TEST_OPERATIONS_TOKEN } from '@boxoffice/testing';

// Test tooling outside src (bench/) reaches the shared test helpers through here.
export { requireStackEnv, waitFor } from '@boxoffice/testing';
export type { ServiceProcess } from '@boxoffice/testing';

export interface NotifyInstanceOptions {
  stack: StackEnv;
  /** Kafka client id: member ids start with it, so the range assigner orders members by it. */
  name: string;
  databaseUrl: string;
  group: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Starts the built notify (services/notify/dist) as a child process and waits until it is ready. */
export async function startNotifyInstance(options: NotifyInstanceOptions): Promise<ServiceProcess> {
  return ServiceProcess.start({
    service: 'notify',
    port: await freePort(),
    readyTimeoutMs: options.readyTimeoutMs,
    env: {
      SERVICE_VERSION: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: options.stack.kafkaBrokers.join(','),
      KAFKA_CONSUMER_GROUP: options.group,
      KAFKA_CLIENT_ID: options.name,
      OPERATIONS_TOKEN: TEST_OPERATIONS_TOKEN,
      ...options.env,
    },
  });
}
