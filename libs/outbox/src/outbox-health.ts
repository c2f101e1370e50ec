import type { KafkaHealthProbe } from '@boxoffice/kafka';
import type { OutboxRelay } from './outbox-relay';

/**
 * Kafka as the readiness of a service that publishes through the outbox sees it. Its writes do
 * not need Kafka: their events wait in the outbox. So an unreachable broker is reported (with the
 * backlog) but does not make the service unready, or every replica would leave the load balancer
 * exactly when the outbox should be absorbing the outage.
 */
export function kafkaViaOutbox(kafka: Pick<KafkaHealthProbe, 'check'>, relay: Pick<OutboxRelay, 'backlog'>): { name: string; check(): Promise<unknown> } {
  return {
    name: 'kafka',
    async check() {
      const backlog = await relay.backlog();
      try {
        return { reachable: true, ...(await kafka.check()), outboxBacklog: backlog };
      } catch (error) {
        return {
          reachable: false,
          error: error instanceof Error ? error.message : String(error),
          outboxBacklog: backlog,
          note: 'writes are still accepted; their events wait in the outbox until Kafka is back',
        };
      }
    },
  };
}
