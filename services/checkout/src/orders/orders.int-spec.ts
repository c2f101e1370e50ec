import { randomUUID } from 'node:crypto';
import { requireStackEnv } from '@boxoffice/testing';
import { PrismaService } from '../database/prisma.service';
import { CheckoutApp, startCheckout, startTestLogin, TestLogin } from '../testing/checkout-harness';
import { eventWithTier } from '../testing/catalog-fixtures';
import { getJson, HttpResult, postOrder } from '../testing/http-client';
import { OrderEventsCollector, OrderTopic } from '../testing/order-events-collector';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { OrderStore } from './order-store';
import { PendingOrderSweeper } from './pending-order-sweeper';
import { pricingStrategies } from '../pricing/pricing-strategy';

const stack = requireStackEnv();

type OrderBody = { id: string; status: string; line: { tierId: string; quantity: number; unitPriceCents: number }; totalCents: number; pricingStrategy: string; failure: { reason: string } | null };
type Problem = { type: string; title: string; status: number; detail: string; errors?: Array<{ field: string; reason: string }>; [k: string]: unknown };

function countBy<T>(items: T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('checkout orders against real PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let login: TestLogin;
  let checkout: CheckoutApp;
  let prisma: PrismaService;
  const kafka = new OrderEventsCollector(stack.kafkaBrokers);
  const seatsLeft = async (tierId: string) => (await db.query<{ seats_left: number }>('SELECT seats_left FROM ticket_tier WHERE id = $1', [tierId]))[0].seats_left;

  beforeAll(async () => {
    [db, login] = await Promise.all([createTestDatabase(stack), startTestLogin()]);
    checkout = await startCheckout({ stack, databaseUrl: db.url, login, env: { PAYMENT_LATENCY_MS: '20' } });
    prisma = checkout.app.get(PrismaService);
    await kafka.start();
  });

  afterAll(async () => {
    await kafka.stop();
    await checkout?.close();
    await login?.close();
    await db?.drop();
  });

  describe('catalog and identity', () => {
    it('lists events with venue, date and tiers with price and seats left', async () => {
      const { eventId, tierId } = await eventWithTier(prisma, 120, 4_500, 'Catalog concert');
      const list = await getJson<{ events: Array<{ id: string }> }>(`${checkout.url}/events`);
      expect(list.status).toBe(200);
      expect(list.body.events.find((e) => e.id === eventId)).toEqual({
        id: eventId,
        name: 'Catalog concert',
        venue: 'Test Hall',
        city: 'Testville',
        startsAt: '2027-06-01T20:00:00.000Z',
        currency: 'EUR',
        tiers: [{ id: tierId, name: 'Floor', priceCents: 4_500, capacity: 120, seatsLeft: 120 }],
      });
      expect((await getJson(`${checkout.url}/events/${eventId}`)).body).toMatchObject({ id: eventId, tiers: [{ seatsLeft: 120 }] });
    });

    it('answers an unknown event with 404 and a malformed id with 400 naming the field', async () => {
      const missing = await getJson<Problem>(`${checkout.url}/events/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ type: 'https://boxoffice.dev/problems/event-not-found', title: 'Event not found' });
      const malformed = await getJson<Problem>(`${checkout.url}/events/not-a-uuid`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([{ field: 'id', reason: expect.stringMatching(/UUID/i) }]);
    });

    it('reports the version from SERVICE_VERSION in the header and /health, and documents the API', async () => {
      const health = await getJson(`${checkout.url}/health`);
      expect(health.headers.get('x-boxoffice-version')).toBe('int-test');
      expect(health.body).toMatchObject({ service: 'checkout', version: 'int-test' });
      const ready = await getJson<{ checks: Record<string, { status: string }> }>(`${checkout.url}/health/ready`);
      expect(ready.body.checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up', details: { reachable: true } } });
      const doc = await getJson<{ paths: Record<string, unknown> }>(`${checkout.url}/docs/openapi.json`);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/events', '/events/{id}', '/orders', '/orders/{id}', '/health/outbox']));
    });
  });

  describe('never oversells', () => {
    it('sells exactly 50 seats to 200 concurrent buyers: the rest get 409, nobody a 5xx, every sale is on Kafka', async () => {
      const { tierId } = await eventWithTier(prisma, 50, 6_500, 'Hot show');
      kafka.watchTiers(tierId);
      const tokens = await Promise.all(Array.from({ length: 200 }, () => login.token()));
      const results = await Promise.all(tokens.map((token) => postOrder<OrderBody & Problem>(checkout.url, { token, body: { tierId, quantity: 1 } })));

      expect(countBy(results, (r) => r.status)).toEqual({ 201: 50, 409: 150 });
      for (const refused of results.filter((r) => r.status === 409)) {
        expect(refused.body).toMatchObject({ type: 'https://boxoffice.dev/problems/not-enough-seats', title: 'Sold out', detail: 'Floor is sold out.', seatsLeft: 0 });
      }
      expect(await seatsLeft(tierId)).toBe(0);
      const orders = await db.query<{ status: string; n: number }>('SELECT status::text, count(*)::int AS n FROM ticket_order WHERE tier_id = $1 GROUP BY status', [tierId]);
      expect(orders).toEqual([{ status: 'confirmed', n: 50 }]);

      const sold = results.filter((r) => r.status === 201).map((r) => r.body.id);
      await kafka.waitForAll(new Map(sold.map((id) => [id, ['checkout.order-placed.v1', 'checkout.order-confirmed.v1'] as OrderTopic[]])));
      for (const id of sold) {
        const events = kafka.of(id);
        expect(events.every((e) => e.key === id)).toBe(true);
        const placed = events.find((e) => e.topic === 'checkout.order-placed.v1')!;
        const confirmed = events.find((e) => e.topic === 'checkout.order-confirmed.v1')!;
        expect(placed.timestamp).toBeLessThanOrEqual(confirmed.timestamp);
        expect(confirmed.event.payload).toMatchObject({ orderId: id, customer: { email: 'buyer@example.com' }, line: { tierId, quantity: 1 } });
      }
      expect(kafka.received.filter((e) => e.event.payload.line.tierId === tierId && e.topic === 'checkout.order-failed.v1')).toEqual([]);
    });

    it('refuses more seats than are left with 409 naming how many are left, and reserves nothing', async () => {
      const { tierId } = await eventWithTier(prisma, 3);
      const result = await postOrder<Problem>(checkout.url, { token: await login.token(), body: { tierId, quantity: 4 } });
      expect(result.status).toBe(409);
      expect(result.body).toMatchObject({ title: 'Not enough seats left', detail: 'Only 3 seat(s) left in Floor; 4 were requested.', seatsLeft: 3 });
      expect(await seatsLeft(tierId)).toBe(3);
      expect(await db.query('SELECT 1 FROM ticket_order WHERE tier_id = $1', [tierId])).toEqual([]);
    });

    it('cannot take seats_left below zero even by a direct UPDATE (database guard)', async () => {
      const { tierId } = await eventWithTier(prisma, 2);
      await expect(db.query('UPDATE ticket_tier SET seats_left = seats_left - 3 WHERE id = $1', [tierId])).rejects.toThrow(/seats_left -1 outside 0..2/);
      await expect(db.query('UPDATE ticket_tier SET seats_left = 3 WHERE id = $1', [tierId])).rejects.toThrow(/outside 0..2/);
    });
  });

  describe('idempotency', () => {
    it('replays the original response for the same key and body, and creates nothing new', async () => {
      const { tierId } = await eventWithTier(prisma, 10);
      const token = await login.token();
      const key = randomUUID();
      const first = await postOrder<OrderBody>(checkout.url, { token, body: { tierId, quantity: 2 }, idempotencyKey: key });
      const again = await postOrder<OrderBody>(checkout.url, { token, body: { quantity: 2, tierId }, idempotencyKey: key });

      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(`/orders/${first.body.id}`);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(await seatsLeft(tierId)).toBe(8);
      expect(await db.query('SELECT id FROM ticket_order WHERE tier_id = $1', [tierId])).toEqual([{ id: first.body.id }]);
      expect(await db.query('SELECT topic FROM outbox_event WHERE key = $1 ORDER BY seq', [first.body.id])).toEqual([
        { topic: 'checkout.order-placed.v1' },
        { topic: 'checkout.order-confirmed.v1' },
      ]);
    });

    it('refuses the same key with a different body with 422', async () => {
      const { tierId } = await eventWithTier(prisma, 10);
      const token = await login.token();
      const key = randomUUID();
      expect((await postOrder(checkout.url, { token, body: { tierId, quantity: 1 }, idempotencyKey: key })).status).toBe(201);
      const reused = await postOrder<Problem>(checkout.url, { token, body: { tierId, quantity: 2 }, idempotencyKey: key });
      expect(reused.status).toBe(422);
      expect(reused.body).toMatchObject({ type: 'https://boxoffice.dev/problems/idempotency-key-reused', title: 'Idempotency-Key reused' });
      expect(await seatsLeft(tierId)).toBe(9);
    });

    it('creates one order when the same request arrives 20 times at once', async () => {
      const { tierId } = await eventWithTier(prisma, 10);
      const token = await login.token();
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => postOrder<OrderBody & Problem>(checkout.url, { token, body: { tierId, quantity: 1 }, idempotencyKey: key })),
      );
      for (const r of results) expect([201, 409]).toContain(r.status);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.type).toBe('https://boxoffice.dev/problems/idempotency-key-in-use');
      expect(await db.query('SELECT count(*)::int AS n FROM ticket_order WHERE tier_id = $1', [tierId])).toEqual([{ n: 1 }]);
      expect(await seatsLeft(tierId)).toBe(9);
      const settled = await postOrder<OrderBody>(checkout.url, { token, body: { tierId, quantity: 1 }, idempotencyKey: key });
      expect(settled.status).toBe(201);
      for (const r of results.filter((x) => x.status === 201)) expect(r.body).toEqual(settled.body);
    });

    it('scopes keys to the caller: another buyer may use the same key', async () => {
      const { tierId } = await eventWithTier(prisma, 10);
      const key = randomUUID();
      const a = await postOrder<OrderBody>(checkout.url, { token: await login.token(), body: { tierId, quantity: 1 }, idempotencyKey: key });
      const b = await postOrder<OrderBody>(checkout.url, { token: await login.token(), body: { tierId, quantity: 1 }, idempotencyKey: key });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
    });
  });

  describe('payment', () => {
    let failing: CheckoutApp;
    let slow: CheckoutApp;

    beforeAll(async () => {
      [failing, slow] = await Promise.all([
        startCheckout({ stack, databaseUrl: db.url, login, env: { PAYMENT_FAILURE_RATE: '1', SERVICE_VERSION: 'int-test-bad' } }),
        startCheckout({ stack, databaseUrl: db.url, login, env: { PAYMENT_LATENCY_MS: '5000', PAYMENT_TIMEOUT_MS: '100' } }),
      ]);
    });
    afterAll(async () => {
      await failing?.close();
      await slow?.close();
    });

    it('fails the order with 502 when the provider errors, releases the seats and announces the failure', async () => {
      const { tierId } = await eventWithTier(prisma, 5);
      kafka.watchTiers(tierId);
      const token = await login.token();
      const key = randomUUID();
      const result = await postOrder<Problem & { order: OrderBody }>(failing.url, { token, body: { tierId, quantity: 3 }, idempotencyKey: key });

      expect(result.status).toBe(502);
      expect(result.headers.get('x-boxoffice-version')).toBe('int-test-bad');
      expect(result.body).toMatchObject({
        type: 'https://boxoffice.dev/problems/payment-error',
        title: 'Payment failed',
        orderId: expect.any(String),
        order: { status: 'failed', failure: { reason: 'payment-error' } },
      });
      const orderId = String(result.body.orderId);
      expect(result.headers.get('location')).toBe(`/orders/${orderId}`);
      expect(await seatsLeft(tierId)).toBe(5);
      expect((await getJson<OrderBody>(`${checkout.url}/orders/${orderId}`, token)).body).toMatchObject({ status: 'failed', failure: { reason: 'payment-error' } });

      const replay = await postOrder(failing.url, { token, body: { tierId, quantity: 3 }, idempotencyKey: key });
      expect([replay.status, replay.body, replay.headers.get('idempotent-replayed')]).toEqual([502, result.body, 'true']);

      await kafka.waitForAll(new Map([[orderId, ['checkout.order-placed.v1', 'checkout.order-failed.v1'] as OrderTopic[]]]));
      expect(kafka.of(orderId).find((e) => e.topic === 'checkout.order-failed.v1')!.event.payload).toMatchObject({ reason: 'payment-error', line: { quantity: 3 } });
      expect(kafka.of(orderId).some((e) => e.topic === 'checkout.order-confirmed.v1')).toBe(false);
    });

    it('fails the order with 504 when the payment takes longer than PAYMENT_TIMEOUT_MS', async () => {
      const { tierId } = await eventWithTier(prisma, 5);
      const started = Date.now();
      const result = await postOrder<Problem>(slow.url, { token: await login.token(), body: { tierId, quantity: 1 } });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.status).toBe(504);
      expect(result.body).toMatchObject({ type: 'https://boxoffice.dev/problems/payment-timeout', order: { status: 'failed' } });
      expect(await seatsLeft(tierId)).toBe(5);
    });

    it('sells released seats again', async () => {
      const { tierId } = await eventWithTier(prisma, 1);
      const token = await login.token();
      expect((await postOrder(failing.url, { token, body: { tierId, quantity: 1 } })).status).toBe(502);
      expect((await postOrder(checkout.url, { token, body: { tierId, quantity: 1 } })).status).toBe(201);
      expect((await postOrder(checkout.url, { token, body: { tierId, quantity: 1 } })).status).toBe(409);
    });
  });

  describe('pricing strategy', () => {
    it('prices with the configured strategy and records it on the order and its event', async () => {
      const dynamic = await startCheckout({ stack, databaseUrl: db.url, login, env: { PRICING_STRATEGY: 'dynamic' } });
      try {
        const { tierId } = await eventWithTier(prisma, 10, 1_000);
        const token = await login.token();
        const first = await postOrder<OrderBody>(dynamic.url, { token, body: { tierId, quantity: 5 } });
        const second = await postOrder<OrderBody>(dynamic.url, { token, body: { tierId, quantity: 1 } });
        expect(first.body).toMatchObject({ pricingStrategy: 'dynamic', line: { unitPriceCents: 1_000 }, totalCents: 5_000 });
        expect(second.body).toMatchObject({ pricingStrategy: 'dynamic', line: { unitPriceCents: pricingStrategies.dynamic.unitPriceCents({ basePriceCents: 1_000, capacity: 10, seatsLeft: 5, quantity: 1 }) } });
        expect(second.body.line.unitPriceCents).toBe(1_250);
        const [placed] = await db.query<{ payload: { payload: { pricingStrategy: string } } }>(
          "SELECT payload FROM outbox_event WHERE key = $1 AND topic = 'checkout.order-placed.v1'",
          [second.body.id],
        );
        expect(placed.payload.payload.pricingStrategy).toBe('dynamic');
      } finally {
        await dynamic.close();
      }
    });
  });

  describe('bad requests get problem details, never a 500', () => {
    it('requires a valid bearer token', async () => {
      const result = await postOrder<Problem>(checkout.url, { token: 'not-a-jwt', body: {} });
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });

    it('requires an Idempotency-Key', async () => {
      const result = await postOrder<Problem>(checkout.url, { token: await login.token(), body: { tierId: randomUUID(), quantity: 1 }, idempotencyKey: null });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([{ field: 'Idempotency-Key', reason: expect.stringMatching(/^required/) }]);
    });

    it('names every invalid field of the body', async () => {
      const result = await postOrder<Problem>(checkout.url, { token: await login.token(), body: { tierId: 'x', quantity: 11, seat: 'A1' } });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'tierId', reason: expect.stringMatching(/UUID/i) },
          { field: 'quantity', reason: expect.stringMatching(/<=10/) },
          { field: '(body)', reason: expect.stringMatching(/Unrecognized key.*seat/) },
        ]),
      );
    });

    it('rejects a malformed JSON body', async () => {
      const result = await postOrder<Problem>(checkout.url, { token: await login.token(), body: '{"tierId":' });
      expect(result.status).toBe(400);
      expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(result.body).toMatchObject({ title: 'Malformed request body', detail: expect.stringMatching(/JSON/) });
    });

    it('answers an unknown tier with 404', async () => {
      const result = await postOrder<Problem>(checkout.url, { token: await login.token(), body: { tierId: randomUUID(), quantity: 1 } });
      expect(result.status).toBe(404);
      expect(result.body).toMatchObject({ type: 'https://boxoffice.dev/problems/tier-not-found', errors: [{ field: 'tierId', reason: 'no such ticket tier' }] });
    });

    it('refuses a token whose profile cannot be put in an order event, before reserving', async () => {
      const { tierId } = await eventWithTier(prisma, 2);
      const result = await postOrder<Problem>(checkout.url, { token: await login.token({ region: 'Europe/Berlin' }), body: { tierId, quantity: 1 } });
      expect(result.status).toBe(403);
      expect(result.body.errors).toEqual([{ field: 'token.region', reason: expect.stringMatching(/region code/) }]);
      expect(await seatsLeft(tierId)).toBe(2);
    });
  });

  describe("the caller's orders", () => {
    it('lists only the caller’s orders, newest first, page by page, and hides other buyers’ orders', async () => {
      const { tierId } = await eventWithTier(prisma, 20);
      const me = randomUUID();
      const myToken = await login.token({ userId: me });
      const otherToken = await login.token();
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) mine.push((await postOrder<OrderBody>(checkout.url, { token: myToken, body: { tierId, quantity: 1 } })).body.id);
      const theirs = (await postOrder<OrderBody>(checkout.url, { token: otherToken, body: { tierId, quantity: 1 } })).body.id;

      const page1 = await getJson<{ orders: OrderBody[]; nextCursor: string | null }>(`${checkout.url}/orders?limit=2`, myToken);
      expect(page1.body.orders.map((o) => o.id)).toEqual([mine[2], mine[1]]);
      const page2 = await getJson<{ orders: OrderBody[]; nextCursor: string | null }>(`${checkout.url}/orders?limit=2&cursor=${page1.body.nextCursor}`, myToken);
      expect(page2.body).toEqual({ orders: [expect.objectContaining({ id: mine[0], status: 'confirmed' })], nextCursor: null });

      expect((await getJson(`${checkout.url}/orders/${mine[0]}`, myToken)).status).toBe(200);
      expect((await getJson(`${checkout.url}/orders/${theirs}`, myToken)).status).toBe(404);
      expect((await getJson(`${checkout.url}/orders?limit=500`, myToken)).status).toBe(400);
      expect((await getJson(`${checkout.url}/orders`)).status).toBe(401);
    });
  });

  describe('an order left pending by a crash', () => {
    it('is failed by the sweeper with its seats released, and its key then replays the failure', async () => {
      const { tierId } = await eventWithTier(prisma, 4);
      kafka.watchTiers(tierId);
      const userId = randomUUID();
      const key = randomUUID();
      // What a request that died after reserving leaves behind: a pending order and an unfinished key.
      const { requestFingerprint } = await import('../idempotency/request-fingerprint');
      const reserved = await checkout.app.get(OrderStore).reserve({
        orderId: randomUUID(),
        customer: { userId, email: 'crash@example.com', displayName: 'Crash', plan: 'free', region: 'eu' },
        idempotencyKey: key,
        fingerprint: requestFingerprint({ tierId, quantity: 2 }),
        tierId,
        quantity: 2,
        pricing: pricingStrategies.standard,
        meta: { producer: { service: 'checkout', version: 'int-test' } },
      });
      if (reserved.kind !== 'reserved') throw new Error(`not reserved: ${reserved.kind}`);
      expect(await seatsLeft(tierId)).toBe(2);
      const token = await login.token({ userId, email: 'crash@example.com' });
      expect((await postOrder<Problem>(checkout.url, { token, body: { tierId, quantity: 2 }, idempotencyKey: key })).body.type).toBe(
        'https://boxoffice.dev/problems/idempotency-key-in-use',
      );

      const sweeper = checkout.app.get(PendingOrderSweeper);
      expect(await sweeper.sweepOnce(new Date())).toBe(0);
      expect(await sweeper.sweepOnce(new Date(Date.now() + checkout.config.ORDER_PENDING_TIMEOUT_MS + 1_000))).toBe(1);

      expect(await seatsLeft(tierId)).toBe(4);
      const replay: HttpResult<Problem> = await postOrder<Problem>(checkout.url, { token, body: { tierId, quantity: 2 }, idempotencyKey: key });
      expect(replay.status).toBe(504);
      expect(replay.body).toMatchObject({ type: 'https://boxoffice.dev/problems/payment-timeout', orderId: reserved.order.id });
      await kafka.waitForAll(new Map([[reserved.order.id, ['checkout.order-placed.v1', 'checkout.order-failed.v1'] as OrderTopic[]]]));
    });
  });
});
