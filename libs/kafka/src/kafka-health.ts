import { Admin, Kafka } from 'kafkajs';
import { withTimeout } from './kafka-options';

/** Readiness probe for Kafka: asks the cluster for its brokers with a short deadline. */
export class KafkaHealthProbe {
  readonly name = 'kafka';
  private admin?: Admin;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<{ brokers: number }> {
    this.admin ??= this.kafka.admin();
    try {
      await withTimeout(this.admin.connect(), this.timeoutMs, 'Kafka admin connect');
      const cluster = await withTimeout(this.admin.describeCluster(), this.timeoutMs, 'Kafka describeCluster');
      return { brokers: cluster.brokers.length };
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Nest calls this at shutdown: the admin connection would otherwise keep the process alive. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
