/**
 * POST /orders throughput and latency, measured against the built service as a real process on
 * the local stack (fresh database, real Kafka, outbox relay running).
 *
 *   npx nx run checkout:build
 *   eval "$(bash libs/local-stack/bin/stack env)"
 *   npx tsx services/checkout/bench/orders.bench.ts [--duration 15] [--connections 32]
 *
 * Every request is a new order (own Idempotency-Key, one of 100 buyers) for 1 seat. Scenarios:
 *   spread         20 roomy tiers, payment latency 0: the service's own cost per order
 *   one-tier       every order on the same tier row: the worst case for the row lock
 *   payment-50ms   20 tiers, the default 50 ms simulated payment latency
 * After each scenario it checks the invariants (no 5xx, seats taken = seats confirmed) and waits
 * for the outbox to drain, reporting how long that took.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import autocannon = require('autocannon');
import { Client } from 'pg';
import { createTestIssuer, serveJwks } from '@boxoffice/auth/testing';

const root = path.resolve(__dirname, '../../..');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const DURATION_S = arg('duration', 15);
const CONNECTIONS = arg('connections', 32);
const TIERS = 20;
const BUYERS = 100;

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(bash libs/local-stack/bin/stack env)" first`);
  return value;
}

const serverUrl = (database: string) =>
  `postgresql://${encodeURIComponent(requireEnv('DATABASE_USER'))}:${encodeURIComponent(requireEnv('DATABASE_PASSWORD'))}@${requireEnv('DATABASE_HOST')}:${requireEnv('DATABASE_PORT')}/${database}`;

async function sql<R>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Lets the bench read /health/outbox (the relay's backlog). */
const OPERATIONS_TOKEN = 'orders-bench-operations-token';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'services/checkout/dist/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), OPERATIONS_TOKEN, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`checkout exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
  }
  child.kill('SIGKILL');
  throw new Error('checkout did not become ready');
}

/** CPU time (user + system, ms) the process has used so far; Linux only. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Row {
  scenario: string;
  requests: number;
  reqPerSec: number;
  /** CPU the service itself spent per request: what a core would need, whatever else runs on the machine. */
  cpuMsPerReq: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: string;
  errors: number;
  drainMs: number;
  /** 1-minute load average after the scenario: the machine is shared with PostgreSQL, Kafka and the load generator. */
  load: number;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'services/checkout/dist/main.js'))) throw new Error('build first: npx nx run checkout:build');
  const database = `checkout_bench_${randomBytes(4).toString('hex')}`;
  const url = serverUrl(database);
  execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['libs/db-migrate/src/cli.ts', 'deploy', '--service', 'checkout'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL_CHECKOUT: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const eventId = randomUUID();
  const tiers = Array.from({ length: TIERS }, () => randomUUID());
  const capacity = 10_000_000;
  await sql(url, `INSERT INTO event (id, name, venue, city, starts_at, currency) VALUES ($1, 'Benchmark', 'Bench Hall', 'Localhost', '2027-01-01T20:00:00Z', 'EUR')`, [eventId]);
  for (const [i, id] of tiers.entries()) {
    await sql(url, 'INSERT INTO ticket_tier (id, event_id, name, price_cents, capacity, seats_left) VALUES ($1, $2, $3, 5000, $4, $4)', [id, eventId, `Tier ${i}`, capacity]);
  }

  const issuer = await createTestIssuer();
  const jwks = await serveJwks(issuer);
  const tokens = await Promise.all(Array.from({ length: BUYERS }, () => issuer.sign({}, { expiresIn: '1h' })));
  const baseEnv = {
    DATABASE_URL: url,
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    JWKS_URL: jwks.url,
    SERVICE_VERSION: 'bench',
    LOG_LEVEL: 'info',
  };

  const rows: Row[] = [];
  let service: { url: string; child: ChildProcess } | undefined;
  try {
    const scenarios = [
      { name: 'spread', tiers, latencyMs: '0' },
      { name: 'one-tier', tiers: tiers.slice(0, 1), latencyMs: '0' },
      { name: 'payment-50ms', tiers, latencyMs: '50' },
    ];
    let runningLatency: string | undefined;
    for (const scenario of scenarios) {
      if (!service || runningLatency !== scenario.latencyMs) {
        if (service) await stopService(service.child);
        service = await startService({ ...baseEnv, PAYMENT_LATENCY_MS: scenario.latencyMs });
        runningLatency = scenario.latencyMs;
        await load(service.url, scenario.tiers, tokens, 3); // warm-up, not reported
      }
      const { url: serviceUrl } = service;
      const cpuBefore = cpuMs(service.child.pid);
      const result = await load(serviceUrl, scenario.tiers, tokens, DURATION_S);
      const cpuPerRequest = (cpuMs(service.child.pid) - cpuBefore) / Math.max(1, result.requests.total);
      const drainStarted = Date.now();
      for (;;) {
        const { backlog } = (await (await fetch(`${serviceUrl}/health/outbox`, { headers: { authorization: `Bearer ${OPERATIONS_TOKEN}` } })).json()) as { backlog: number };
        if (backlog === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      rows.push({
        scenario: scenario.name,
        requests: result.requests.total,
        reqPerSec: Math.round(result.requests.average),
        cpuMsPerReq: Math.round(cpuPerRequest * 10) / 10,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
        statuses: Object.entries(result.statusCodeStats).map(([code, { count }]) => `${code}×${count}`).join(' '),
        errors: result.errors,
        drainMs: Date.now() - drainStarted,
        load: Math.round(loadavg()[0] * 10) / 10,
      });
    }

    const [check] = await sql<{ taken: string; sold: string; unsettled: string }>(
      url,
      `SELECT (SELECT sum(capacity - seats_left) FROM ticket_tier)::text AS taken,
              (SELECT coalesce(sum(quantity), 0) FROM ticket_order WHERE status IN ('confirmed', 'pending'))::text AS sold,
              (SELECT count(*) FROM ticket_order WHERE status = 'pending')::text AS unsettled`,
    );
    console.log(`\nPOST /orders, ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${BUYERS} buyers, 1 seat per order (latency in ms)\n`);
    console.table(rows);
    console.log(`seats taken ${check.taken} = seats in confirmed/pending orders ${check.sold}; orders still pending: ${check.unsettled}`);
    if (check.taken !== check.sold) throw new Error('seat accounting mismatch');
    if (rows.some((r) => /(^| )5\d\d×/.test(r.statuses))) throw new Error('5xx responses during the benchmark');
  } finally {
    if (service) await stopService(service.child);
    await jwks.close();
    await sql(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

function load(url: string, tierIds: string[], tokens: string[], duration: number): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/orders',
        setupRequest: (request) => {
          n += 1;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[n % tokens.length]}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({ tierId: tierIds[n % tierIds.length], quantity: 1 }),
          };
        },
      },
    ],
  });
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
