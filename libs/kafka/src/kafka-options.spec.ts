import { Kafka } from 'kafkajs';
import { kafkaClientConfig, KafkaUnavailableError, withTimeout } from './kafka-options';

describe('kafka options', () => {
  it('fails to connect to an absent broker within 3 s and names the address', async () => {
    const env = { KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_CONNECT_TIMEOUT_MS: 500 };
    const producer = new Kafka(kafkaClientConfig(env, 'spec')).producer();
    const started = Date.now();
    const error = await producer.connect().then(
      () => undefined,
      (cause: unknown) => new KafkaUnavailableError(env.KAFKA_BROKERS, cause),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error?.message).toMatch(/^Kafka broker not reachable at 127\.0\.0\.1:1 /);
  });

  it('bounds a hung step', async () => {
    await expect(withTimeout(new Promise(() => undefined), 50, 'step')).rejects.toThrow('step timed out after 50 ms');
    await expect(withTimeout(Promise.resolve(7), 50, 'step')).resolves.toBe(7);
  });
});
