import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Pool } from 'pg';
import { createTestIssuer, serveJwks } from '@boxoffice/auth/testing';
import { deployMigrations, dropDatabase } from '@boxoffice/db-migrate';
import { databaseUrl, freePort, operationsHeaders, seedCheckoutTiers, ServiceProcess, StackEnv, TEST_OPERATIONS_TOKEN, waitFor } from '@boxoffice/testing';
import { closedLoop, knee, LoopResult } from './closed-loop';

const TIERS = 20;
const BUYERS = 100;
/** checkout's DATABASE_POOL_SIZE default: the baseline gets the same number of connections. */
const POOL_SIZE = 10;

export interface OrdersBench {
  levels: number[];
  seconds: number;
  checkout: LoopResult[];
  baseline: LoopResult[];
  checkoutKnee: LoopResult;
  baselineKnee: LoopResult;
  /** checkout's best throughput / the baseline's best throughput. */
  ratio: number;
  /** checkout's outbox relay after the runs: every order's events must have reached Kafka. */
  relay: { published: number; failedAttempts: number; backlog: number };
}

async function freshCheckoutDatabase(stack: StackEnv): Promise<{ url: string; tiers: string[]; drop: () => Promise<void> }> {
  const name = `checkout_bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const url = databaseUrl(stack, name);
  await deployMigrations({ service: 'checkout', url });
  const tiers = await seedCheckoutTiers(url, { eventName: 'Benchmark', tiers: TIERS, seats: 10_000_000, priceCents: 5_000 });
  return { url, tiers, drop: () => dropDatabase(url, name) };
}

function postOrder(agent: Agent, port: number, token: string, tierId: string): Promise<void> {
  const body = JSON.stringify({ tierId, quantity: 1 });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/orders',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The SQL checkout runs for one paid order (reserve, then settle), straight through `pg`. */
async function rawOrder(pool: Pool, userId: string, tierId: string): Promise<void> {
  const orderId = randomUUID();
  const customer = { userId, email: 'bench@example.test', displayName: 'Bench Buyer', plan: 'free', region: 'eu' };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO idempotency_key (user_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [userId, randomUUID(), 'f'.repeat(64), orderId]);
    const { rows } = await client.query<{ id: string; name: string; price_cents: number; event_id: string; event_name: string; starts_at: Date; currency: string }>(
      `SELECT t.id, t.name, t.price_cents, t.capacity, t.seats_left, e.id AS event_id, e.name AS event_name, e.starts_at, e.currency
         FROM ticket_tier t JOIN event e ON e.id = t.event_id WHERE t.id = $1::uuid`,
      [tierId],
    );
    const tier = rows[0];
    const line = { eventId: tier.event_id, eventName: tier.event_name, startsAt: tier.starts_at.toISOString(), tierId, tierName: tier.name, quantity: 1, unitPriceCents: tier.price_cents };
    await client.query(
      `INSERT INTO ticket_order (id, user_id, customer, event_id, tier_id, quantity, unit_price_cents, total_cents, currency, pricing_strategy) VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7, 'standard')`,
      [orderId, userId, customer, tier.event_id, tierId, tier.price_cents, tier.currency],
    );
    const placed = { eventId: randomUUID(), type: 'checkout.order-placed', version: 1, occurredAt: new Date().toISOString(), payload: { orderId, customer, line, totalCents: tier.price_cents, currency: tier.currency } };
    await client.query(`INSERT INTO outbox_event (id, topic, key, type, payload, headers) VALUES ($1, 'checkout.order-placed.v1', $2, 'checkout.order-placed.v1', $3, '{}')`, [placed.eventId, orderId, placed]);
    const reserved = await client.query(`UPDATE ticket_tier SET seats_left = seats_left - 1 WHERE id = $1 AND seats_left >= 1`, [tierId]);
    if (reserved.rowCount !== 1) throw new Error('sold out');
    await client.query('COMMIT');

    await client.query('BEGIN');
    await client.query(`UPDATE ticket_order SET status = 'confirmed', payment_reference = 'pay_bench', confirmed_at = now(), updated_at = now() WHERE id = $1 AND status IN ('pending')`, [orderId]);
    const confirmed = { ...placed, eventId: randomUUID(), type: 'checkout.order-confirmed' };
    await client.query(`INSERT INTO outbox_event (id, topic, key, type, payload, headers) VALUES ($1, 'checkout.order-confirmed.v1', $2, 'checkout.order-confirmed.v1', $3, '{}')`, [confirmed.eventId, orderId, confirmed]);
    await client.query(`UPDATE idempotency_key SET response_status = 201, response_body = $2, completed_at = now() WHERE order_id = $1`, [orderId, { id: orderId, status: 'confirmed', line }]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Waits (up to 30 s) for checkout's outbox to drain; a relay that fails to publish makes the run invalid. */
async function relayDrained(checkoutUrl: string): Promise<OrdersBench['relay']> {
  const stats = () => fetch(`${checkoutUrl}/health/outbox`, { headers: operationsHeaders }).then((r) => r.json() as Promise<OrdersBench['relay']>);
  const drained = await waitFor(async () => ((await stats()).backlog === 0 ? stats() : undefined), { timeoutMs: 30_000, what: "checkout's outbox to drain" });
  if (drained.failedAttempts > 0) throw new Error(`checkout's relay failed ${drained.failedAttempts} time(s) during the run: the figures are not valid`);
  return drained;
}

/**
 * POST /orders on the built checkout (fresh database, real Kafka, payment latency 0) against the
 * same two transactions issued directly with `pg`, each at the same concurrency levels.
 */
export async function benchOrders(stack: StackEnv, levels: number[], seconds: number, log: (line: string) => void): Promise<OrdersBench> {
  const issuer = await createTestIssuer();
  const jwks = await serveJwks(issuer);
  const tokens = await Promise.all(Array.from({ length: BUYERS }, () => issuer.sign({}, { expiresIn: '1h' })));
  const db = await freshCheckoutDatabase(stack);
  // The baseline's own database: its outbox rows are not checkout's to publish (checkout's relay
  // would otherwise work on them during the checkout runs).
  const baselineDb = await freshCheckoutDatabase(stack);
  const port = await freePort();
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
  let service: ServiceProcess | undefined;
  try {
    service = await ServiceProcess.start({
      service: 'checkout',
      port,
      nodeArgs: process.env.BENCH_CHECKOUT_NODE_ARGS?.split(' ').filter(Boolean),
      env: { SERVICE_VERSION: 'bench', LOG_LEVEL: 'warn', DATABASE_URL: db.url, KAFKA_BROKERS: stack.kafkaBrokers.join(','), JWKS_URL: jwks.url, PAYMENT_LATENCY_MS: '0', PAYMENT_FAILURE_RATE: '0', METRICS_PORT: '0', OPERATIONS_TOKEN: TEST_OPERATIONS_TOKEN },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...levels) });
    const pool = new Pool({ connectionString: baselineDb.url, max: POOL_SIZE });
    const userIds = Array.from({ length: BUYERS }, () => randomUUID());
    const checkout: LoopResult[] = [];
    const baseline: LoopResult[] = [];
    try {
      await closedLoop(4, 2, () => postOrder(agent, port, pick(tokens), pick(db.tiers))); // warm-up
      await closedLoop(4, 2, () => rawOrder(pool, pick(userIds), pick(baselineDb.tiers)));
      // Interleaved, so that load from elsewhere on the machine hits both alike.
      for (const concurrency of levels) {
        const viaCheckout = await closedLoop(concurrency, seconds, () => postOrder(agent, port, pick(tokens), pick(db.tiers)));
        checkout.push(viaCheckout);
        log(`orders: checkout  c=${concurrency}: ${viaCheckout.perSecond.toFixed(0)}/s p99 ${viaCheckout.p99.toFixed(1)} ms`);
        const viaPg = await closedLoop(concurrency, seconds, () => rawOrder(pool, pick(userIds), pick(baselineDb.tiers)));
        baseline.push(viaPg);
        log(`orders: raw pg    c=${concurrency}: ${viaPg.perSecond.toFixed(0)}/s p99 ${viaPg.p99.toFixed(1)} ms`);
      }
    } finally {
      agent.destroy();
      await pool.end();
    }
    const best = (rs: LoopResult[]) => Math.max(...rs.map((r) => r.perSecond));
    const relay = await relayDrained(service.url);
    log(`orders: checkout's relay published ${relay.published} events, ${relay.failedAttempts} failed attempts, backlog ${relay.backlog}`);
    return { levels, seconds, checkout, baseline, checkoutKnee: knee(checkout), baselineKnee: knee(baseline), ratio: best(checkout) / best(baseline), relay };
  } finally {
    await service?.stop('SIGTERM');
    await jwks.close();
    await db.drop();
    await baselineDb.drop();
  }
}
