import type { KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';
import type { KafkaEnv } from '@boxoffice/config';

/**
 * kafkajs client settings tuned to fail fast: the defaults take about 5 s to give up on an
 * absent broker, these fail in well under 2 s.
 */
export function kafkaClientConfig(env: KafkaEnv, clientId: string): KafkaConfig {
  return {
    clientId: env.KAFKA_CLIENT_ID ?? clientId,
    brokers: env.KAFKA_BROKERS,
    connectionTimeout: env.KAFKA_CONNECT_TIMEOUT_MS,
    requestTimeout: 10_000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
  };
}

/** Raised at startup when no broker answers; names the addresses that were tried. */
export class KafkaUnavailableError extends Error {
  constructor(brokers: string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Kafka broker not reachable at ${brokers.join(',')} (${reason}). Is the broker running? Local stack: npm run stack -- up`);
    this.name = 'KafkaUnavailableError';
  }
}

/** Bounds a startup step so that a hung connection cannot stall boot. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
