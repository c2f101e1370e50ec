import type { ReadinessCheck } from '@boxoffice/http';
import type { KafkaHealthProbe } from '@boxoffice/kafka';
import type { OutboxRelay } from '@boxoffice/outbox';

/**
 * Kafka as checkout's readiness sees it. Orders do not need Kafka: their events wait in the
 * outbox. So an unreachable broker is reported (with the backlog) but does not make checkout
 * unready, or every replica would leave the load balancer exactly when the outbox should be
 * absorbing the outage.
 */
export function kafkaViaOutbox(kafka: KafkaHealthProbe, relay: OutboxRelay): ReadinessCheck {
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
          note: 'orders are still accepted; their events wait in the outbox until Kafka is back',
        };
      }
    },
  };
}
