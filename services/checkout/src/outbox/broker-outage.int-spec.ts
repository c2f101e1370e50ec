import { ClientKafka } from '@nestjs/microservices';
import { Kafka } from 'kafkajs';
import { EventPublisher, KAFKA, kafkaClientConfig } from '@boxoffice/kafka';
import { PrismaService } from '../database/prisma.service';
import { PaymentFaults, PaymentFaultSettings } from '../payment/payment-fault-settings';
import { BrokerProxy, requireStackEnv, TEST_OPERATIONS_TOKEN, waitFor } from '@boxoffice/testing';
import { eventWithTier } from '../testing/catalog-fixtures';
import { CheckoutApp, startCheckout, startTestLogin, TestLogin } from '../testing/checkout-harness';
import { getJson, postOrder } from '../testing/http-client';
import { OrderEventsCollector, OrderTopic } from '../testing/order-events-collector';
import { createTestDatabase, TestDatabase } from '../testing/test-database';

const stack = requireStackEnv();

/** Premium buyers' payments fail, everyone else's succeed: both outcomes in one run. */
class PremiumPaymentsFail extends PaymentFaultSettings {
  for(payer: { plan: string }): PaymentFaults {
    return { latencyMs: 5, failureRate: payer.plan === 'premium' ? 1 : 0 };
  }
}

type OutboxStats = { backlog: number; published: number; failedAttempts: number; lastError?: string; leader: boolean };

describe('orders while Kafka is unreachable (real broker behind a proxy this test cuts)', () => {
  let db: TestDatabase;
  let login: TestLogin;
  let checkout: CheckoutApp;
  const proxy = BrokerProxy.to(stack.kafkaBrokers[0]);
  const kafka = new OrderEventsCollector(stack.kafkaBrokers);
  const outbox = async () => (await getJson<OutboxStats>(`${checkout.url}/health/outbox`, TEST_OPERATIONS_TOKEN)).body;

  beforeAll(async () => {
    await proxy.start();
    [db, login] = await Promise.all([createTestDatabase(stack), startTestLogin()]);
    // Only checkout's own Kafka clients go through the proxy; the test's consumer reads the real broker directly.
    const proxied = { ...kafkaClientConfig({ KAFKA_BROKERS: [proxy.address], KAFKA_CONNECT_TIMEOUT_MS: 1_000 }, 'checkout'), socketFactory: proxy.socketFactory() };
    checkout = await startCheckout({
      stack,
      databaseUrl: db.url,
      login,
      customize: (builder) =>
        builder
          .overrideProvider(KAFKA)
          .useFactory({ factory: () => new Kafka(proxied) })
          .overrideProvider(EventPublisher)
          .useFactory({
            factory: () =>
              new EventPublisher(
                new ClientKafka({
                  client: proxied,
                  producerOnlyMode: true,
                  producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
                  send: { acks: -1 },
                }),
                [proxy.address],
                1_000,
              ),
          })
          .overrideProvider(PaymentFaultSettings)
          .useValue(new PremiumPaymentsFail()),
    });
    await kafka.start();
  });

  afterAll(async () => {
    await kafka.stop();
    await checkout?.close();
    await proxy.cut();
    await login?.close();
    await db?.drop();
  });

  it('accepts orders during the outage, keeps their events, and publishes all of them in per-order sequence when Kafka returns', async () => {
    const { tierId } = await eventWithTier(checkout.app.get(PrismaService), 40);
    kafka.watchTiers(tierId);

    const before = await postOrder<{ id: string }>(checkout.url, { token: await login.token(), body: { tierId, quantity: 1 } });
    expect(before.status).toBe(201);
    await kafka.waitForAll(new Map([[before.body.id, ['checkout.order-placed.v1', 'checkout.order-confirmed.v1'] as OrderTopic[]]]));
    expect(proxy.connections).toBeGreaterThan(0);

    await proxy.cut();
    const buyers = await Promise.all(Array.from({ length: 12 }, (_, i) => login.token({ plan: i % 3 === 0 ? 'premium' : 'free' })));
    const during = await Promise.all(buyers.map((token) => postOrder<{ id?: string; orderId?: string }>(checkout.url, { token, body: { tierId, quantity: 2 } })));
    expect(during.map((r) => r.status).sort()).toEqual([...Array(8).fill(201), ...Array(4).fill(502)]);
    const orderIds = during.map((r) => String(r.body.id ?? r.body.orderId));

    // Orders keep being accepted and the relay keeps trying: the backlog is visible and nothing reaches Kafka.
    await waitFor(async () => (await outbox()).failedAttempts >= 2, { timeoutMs: 20_000, what: 'the relay to fail while Kafka is unreachable' });
    const stats = await outbox();
    expect(stats).toMatchObject({ backlog: 24, leader: true, lastError: expect.any(String) });
    const ready = await getJson<{ checks: { kafka: { status: string; details: { reachable: boolean; outboxBacklog: number } } } }>(`${checkout.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.kafka.details).toMatchObject({ reachable: false, outboxBacklog: 24 });
    expect(orderIds.flatMap((id) => kafka.of(id))).toEqual([]);
    expect((await postOrder(checkout.url, { token: await login.token(), body: { tierId, quantity: 1 } })).status).toBe(201);

    await proxy.restore();
    await waitFor(async () => (await outbox()).backlog === 0, { timeoutMs: 30_000, what: 'the outbox backlog to drain' });
    const outcomes = new Map(during.map((r, i) => [orderIds[i], r.status === 201 ? 'checkout.order-confirmed.v1' : 'checkout.order-failed.v1'] as const));
    await kafka.waitForAll(new Map([...outcomes].map(([id, final]) => [id, ['checkout.order-placed.v1', final] as OrderTopic[]])));

    const rows = await db.query<{ id: string; key: string; topic: string }>('SELECT id, key, topic FROM outbox_event WHERE key = ANY($1::text[]) ORDER BY seq', [orderIds]);
    for (const [orderId, final] of outcomes) {
      const events = kafka.of(orderId);
      // At least once: a message may arrive twice, but always with the event id of its outbox row.
      const written = rows.filter((r) => r.key === orderId);
      expect(written.map((r) => r.topic)).toEqual(['checkout.order-placed.v1', final]);
      expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(written.map((r) => r.id)));
      expect(events.every((e) => e.key === orderId)).toBe(true);
      const firstOf = (topic: OrderTopic) => Math.min(...events.filter((e) => e.topic === topic).map((e) => e.timestamp));
      expect(firstOf('checkout.order-placed.v1')).toBeLessThanOrEqual(firstOf(final));
    }
  });
});
