import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FlagsClient, FlagsLogger } from '@boxoffice/flags';
import { requireStackEnv } from '@boxoffice/testing';
import { PrismaService } from '../database/prisma.service';
import { eventWithTier } from '../testing/catalog-fixtures';
import { CheckoutApp, startCheckout, startTestLogin, TestLogin } from '../testing/checkout-harness';
import { copyRepoFlags, TestFlags } from '../testing/flag-files';
import { getJson, HttpResult, postOrder } from '../testing/http-client';
import { createTestDatabase, TestDatabase } from '../testing/test-database';

const stack = requireStackEnv();
const quiet: FlagsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Problem = { type: string; title: string; status: number; detail: string; [k: string]: unknown };
type OrderBody = { id: string; status: string; pricingStrategy: string; line: { unitPriceCents: number } };

/** Sends orders until `accept` holds for the answer; returns that answer and how long it took. */
async function orderUntil(
  send: () => Promise<HttpResult<Problem>>,
  accept: (result: HttpResult<Problem>) => boolean,
  timeoutMs: number,
): Promise<{ result: HttpResult<Problem>; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const result = await send();
    if (accept(result)) return { result, elapsedMs: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`no matching answer within ${timeoutMs} ms (last: ${result.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('checkout driven by feature flags (flag files, real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;
  let login: TestLogin;
  const apps: CheckoutApp[] = [];
  const flagDirs: TestFlags[] = [];

  const start = async (flags: TestFlags, env: Record<string, string> = {}) => {
    const app = await startCheckout({ stack, databaseUrl: db.url, login, env: { FLAGS_DIR: flags.dir, FLAGS_ENVIRONMENT: 'prod', ...env } });
    apps.push(app);
    return app;
  };
  const newFlags = () => {
    const flags = copyRepoFlags();
    flagDirs.push(flags);
    return flags;
  };
  const seatsLeft = async (tierId: string) => (await db.query<{ seats_left: number }>('SELECT seats_left FROM ticket_tier WHERE id = $1', [tierId]))[0].seats_left;

  beforeAll(async () => {
    [db, login] = await Promise.all([createTestDatabase(stack, 'checkout_flags_int'), startTestLogin()]);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const flags of flagDirs) flags.remove();
    await login?.close();
    await db?.drop();
  });

  describe('kill switch', () => {
    let flags: TestFlags;
    let checkout: CheckoutApp;

    beforeAll(async () => {
      flags = newFlags();
      checkout = await start(flags);
    });

    it('a running checkout refuses orders within 2 s of switching it on (503 + Retry-After, nothing reserved), and sells again within 2 s of switching it off', async () => {
      const { tierId } = await eventWithTier(checkout.app.get(PrismaService), 1_000);
      const token = await login.token();
      const order = () => postOrder<Problem>(checkout.url, { token, body: { tierId, quantity: 1 } });
      expect((await order()).status).toBe(201);

      flags.set('checkout-kill-switch', { kind: 'enable' });
      const paused = await orderUntil(order, (r) => r.status !== 201, 5_000);
      expect(paused.elapsedMs).toBeLessThanOrEqual(2_000);
      expect(paused.result.status).toBe(503);
      expect(paused.result.headers.get('retry-after')).toBe('30');
      expect(paused.result.headers.get('content-type')).toContain('application/problem+json');
      expect(paused.result.body).toMatchObject({
        type: 'https://boxoffice.dev/problems/checkout-paused',
        title: 'Checkout is paused',
        status: 503,
        detail: expect.stringContaining('not accepting new orders'),
      });

      const seatsWhilePaused = await seatsLeft(tierId);
      const ordersWhilePaused = (await db.query('SELECT id FROM ticket_order WHERE tier_id = $1', [tierId])).length;
      expect((await order()).status).toBe(503);
      expect(await seatsLeft(tierId)).toBe(seatsWhilePaused);
      expect(await db.query('SELECT id FROM ticket_order WHERE tier_id = $1', [tierId])).toHaveLength(ordersWhilePaused);
      // Reads keep working while orders are refused.
      expect((await getJson(`${checkout.url}/orders`, token)).status).toBe(200);

      flags.set('checkout-kill-switch', { kind: 'disable' });
      const reopened = await orderUntil(order, (r) => r.status !== 503, 5_000);
      expect(reopened.elapsedMs).toBeLessThanOrEqual(2_000);
      expect(reopened.result.status).toBe(201);
    });

    it('reports the flag state in /health/ready without ever failing readiness on it', async () => {
      const ready = await getJson<{ status: string; checks: { flags: { status: string; details: Record<string, unknown> } } }>(`${checkout.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.checks.flags).toMatchObject({
        status: 'up',
        details: { provider: 'flipt', source: 'files', location: flags.dir, namespace: 'boxoffice', environment: 'prod', loaded: true, stale: false },
      });
    });
  });

  describe('new pricing rollout (30 % of users by user id in prod)', () => {
    it('gives a user inside the rollout dynamic pricing and a user outside it standard pricing', async () => {
      const flags = newFlags();
      const checkout = await start(flags);
      // The same evaluation checkout makes (environment prod, service checkout) picks one user on each side.
      const evaluator = await FlagsClient.create({ source: { kind: 'files', dir: flags.dir, watch: false }, namespace: 'boxoffice', environment: 'prod', service: 'checkout', logger: quiet });
      const inRollout = (userId: string) => evaluator.isEnabled('checkout-new-pricing', { userId, plan: 'free', region: 'eu' });
      const candidates = Array.from({ length: 200 }, () => randomUUID());
      const inside = candidates.find(inRollout)!;
      const outside = candidates.find((userId) => !inRollout(userId))!;
      await evaluator.stop();

      const { tierId } = await eventWithTier(checkout.app.get(PrismaService), 10, 1_000);
      const buy = async (userId: string, quantity: number) =>
        postOrder<OrderBody>(checkout.url, { token: await login.token({ userId, plan: 'free', region: 'eu' }), body: { tierId, quantity } });

      const standard = await buy(outside, 5);
      expect(standard.status).toBe(201);
      expect(standard.body).toMatchObject({ pricingStrategy: 'standard', line: { unitPriceCents: 1_000 } });
      // Half the tier is sold now: dynamic pricing charges 25 % more, standard the list price.
      const dynamic = await buy(inside, 1);
      expect(dynamic.status).toBe(201);
      expect(dynamic.body).toMatchObject({ pricingStrategy: 'dynamic', line: { unitPriceCents: 1_250 } });
      expect((await buy(outside, 1)).body).toMatchObject({ pricingStrategy: 'standard', line: { unitPriceCents: 1_000 } });

      const [placed] = await db.query<{ payload: { payload: { pricingStrategy: string } } }>(
        "SELECT payload FROM outbox_event WHERE key = $1 AND topic = 'checkout.order-placed.v1'",
        [dynamic.body.id],
      );
      expect(placed.payload.payload.pricingStrategy).toBe('dynamic');
    });
  });

  describe('fault injection for a -faulty version', () => {
    it('fails payments and adds latency for a checkout whose SERVICE_VERSION ends in -faulty, and only for it', async () => {
      const flags = newFlags();
      // The repo's rule targets -faulty checkouts with `high` (half the payments); `all` makes every
      // one fail, so the outcome of each request is certain.
      const file = path.join(flags.dir, 'boxoffice.features.yml');
      const text = readFileSync(file, 'utf8');
      const pointed = text.replace(/(key: checkout-payment-failure-rate[\s\S]*?- variant: )high/, '$1all');
      expect(pointed).not.toBe(text);
      writeFileSync(file, pointed);

      const [faulty, healthy] = await Promise.all([start(flags, { SERVICE_VERSION: '1.4.0-faulty' }), start(flags, { SERVICE_VERSION: '1.4.0' })]);
      const { tierId } = await eventWithTier(healthy.app.get(PrismaService), 10);
      const token = await login.token();

      const started = Date.now();
      const failed = await postOrder<Problem & { order: { status: string } }>(faulty.url, { token, body: { tierId, quantity: 2 } });
      const faultyMs = Date.now() - started;
      expect(failed.status).toBe(502);
      expect(failed.headers.get('x-boxoffice-version')).toBe('1.4.0-faulty');
      expect(failed.body).toMatchObject({ type: 'https://boxoffice.dev/problems/payment-error', order: { status: 'failed' } });
      // `large` added latency (2000 ms) on top of the configured 5 ms.
      expect(faultyMs).toBeGreaterThanOrEqual(2_000);
      expect(await seatsLeft(tierId)).toBe(10);

      const healthyStarted = Date.now();
      const paid = await postOrder(healthy.url, { token, body: { tierId, quantity: 2 } });
      expect(paid.status).toBe(201);
      expect(Date.now() - healthyStarted).toBeLessThan(1_000);
    });
  });
});
