import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { EventOf, parseEvent } from '@boxoffice/contracts';
import { waitFor } from '@boxoffice/testing';

export const ORDER_TOPICS = ['checkout.order-placed.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1'] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

export interface ReceivedOrderEvent {
  topic: OrderTopic;
  key: string;
  eventId: string;
  orderId: string;
  /** Broker timestamp (producer create time) in ms. */
  timestamp: number;
  partition: number;
  offset: string;
  event: EventOf<OrderTopic>;
}

/**
 * Reads the order topics from the real broker with a unique consumer group and keeps the events
 * of the orders a test cares about, each checked against its contract the way notify checks it.
 */
export class OrderEventsCollector {
  readonly received: ReceivedOrderEvent[] = [];
  readonly violations: string[] = [];
  /** Ticket tiers whose orders this test watches. */
  private readonly wanted = new Set<string>();
  private consumer?: Consumer;

  constructor(private readonly brokers: string[]) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'checkout-int', brokers: this.brokers, logLevel: logLevel.NOTHING });
    // Other test files and runs share the topics: start at today's end of each partition and look only at this test's orders.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all(ORDER_TOPICS.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: `checkout-int-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...ORDER_TOPICS], fromBeginning: false });
    let assigned = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (assigned = true));
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const parsed = parseEvent(topic as OrderTopic, message.value);
        if (!parsed.ok) {
          this.violations.push(parsed.error.message);
          return;
        }
        const orderId = parsed.event.payload.orderId;
        if (!this.wanted.has(parsed.event.payload.line.tierId)) return;
        this.received.push({
          topic: topic as OrderTopic,
          key: message.key?.toString() ?? '',
          eventId: parsed.event.eventId,
          orderId,
          timestamp: Number(message.timestamp),
          partition,
          offset: message.offset,
          event: parsed.event,
        });
      },
    });
    for (const { topic, partitions } of ends) for (const p of partitions) this.consumer.seek({ topic, partition: p.partition, offset: p.offset });
    await waitFor(() => assigned, { timeoutMs: 30_000, intervalMs: 50, what: 'the test consumer to join its group' });
  }

  /** Keep the events of orders for these ticket tiers (known before the orders exist, unlike their ids). */
  watchTiers(...tierIds: string[]): void {
    for (const id of tierIds) this.wanted.add(id);
  }

  of(orderId: string): ReceivedOrderEvent[] {
    return this.received.filter((r) => r.orderId === orderId);
  }

  /** Waits until every order has at least the events on these topics. */
  async waitForAll(expected: Map<string, OrderTopic[]>, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      () => [...expected].every(([orderId, topics]) => topics.every((topic) => this.of(orderId).some((r) => r.topic === topic))),
      { timeoutMs, intervalMs: 100, what: `order events of ${expected.size} order(s) on Kafka` },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
