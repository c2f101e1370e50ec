/**
 * Overhead of tracing on `POST /orders` throughput, three checkouts side by side:
 *   off      OTEL_SDK_DISABLED=true: no SDK at all;
 *   idle     the SDK as deployed without a collector: metrics, ids in logs and events, no export;
 *   export   every span exported over OTLP/HTTP (protobuf, the default protocol) to a local sink
 *            that accepts and discards them.
 *
 *   npx nx run-many -t build -p login,checkout
 *   eval "$(bash libs/local-stack/bin/stack env)"
 *   npx tsx test/bench/tracing-overhead.ts [--rounds 5] [--seconds 10] [--connections 10]
 *
 * One checkout process per mode, each with its own fresh database (so each relays its own outbox),
 * behind one login; the payment simulator answers at once
 * (PAYMENT_LATENCY_MS=0), so a request is CPU and database bound and the difference is the cost of
 * tracing. The machine is shared and noisy: the modes take turns within a round (the order rotates
 * every round) and the median of the rounds is reported, next to every round and the load average. Bounded
 * (rounds × seconds) and loopback only. Each order also publishes two events to the shared local
 * Kafka topics.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { deployMigrations, dropDatabase } from '@boxoffice/db-migrate';
import { databaseUrl, freePort, requireStackEnv, seedCheckoutTiers, ServiceProcess } from '@boxoffice/testing';
// autocannon ships no types; only its programmatic run is used.
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const MODES = ['off', 'idle', 'export'] as const;
type Mode = (typeof MODES)[number];

interface Round {
  mode: Mode;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  load: number;
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const rounds = bounded(args.rounds, 1, 20, 'rounds');
const seconds = bounded(args.seconds, 2, 60, 'seconds');
const connections = bounded(args.connections, 1, 100, 'connections');

const stack = requireStackEnv();
const run = randomUUID().slice(0, 8);
const names = { login: `boxoffice_login_bench_${run}`, ...Object.fromEntries(MODES.map((mode) => [mode, `boxoffice_checkout_bench_${mode}_${run}`])) } as Record<'login' | Mode, string>;
const databases = Object.fromEntries(Object.entries(names).map(([key, name]) => [key, databaseUrl(stack, name)])) as Record<'login' | Mode, string>;

function bounded(raw: string | undefined, min: number, max: number, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** An OTLP/HTTP endpoint that accepts every export and throws it away (counts spans' bytes only). */
async function startOtlpSink(): Promise<{ url: string; bytes: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => {
      res.statusCode = 200;
      res.setHeader('content-type', req.headers['content-type'] ?? 'application/x-protobuf');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function load(url: string, token: string, tierId: string, duration: number): Promise<AutocannonResult> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/orders',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tierId, quantity: 1 }),
        // A fresh Idempotency-Key per request: every request places a new order.
        setupRequest: (request: { headers: Record<string, string> }) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
      },
    ],
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const processes: ServiceProcess[] = [];
  const sink = await startOtlpSink();
  try {
    await Promise.all([deployMigrations({ service: 'login', url: databases.login }), ...MODES.map((mode) => deployMigrations({ service: 'checkout', url: databases[mode] }))]);
    const common = { SERVICE_VERSION: `bench-${run}`, LOG_LEVEL: 'warn', KAFKA_BROKERS: stack.kafkaBrokers.join(','), METRICS_PORT: '0' };
    const login = await ServiceProcess.start({ service: 'login', port: await freePort(), env: { ...common, DATABASE_URL: databases.login, OTEL_SDK_DISABLED: 'true' } });
    processes.push(login);
    const checkoutEnv = { ...common, JWKS_URL: `${login.url}/.well-known/jwks.json`, PAYMENT_LATENCY_MS: '0' };
    const modeEnv: Record<Mode, Record<string, string>> = { off: { OTEL_SDK_DISABLED: 'true' }, idle: {}, export: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } };
    const checkout = {} as Record<Mode, ServiceProcess>;
    const tiers = {} as Record<Mode, string>;
    for (const mode of MODES) {
      checkout[mode] = await ServiceProcess.start({ service: 'checkout', port: await freePort(), env: { ...checkoutEnv, ...modeEnv[mode], DATABASE_URL: databases[mode] } });
      processes.push(checkout[mode]);
      [tiers[mode]] = await seedCheckoutTiers(databases[mode], { eventName: 'Bench night', seats: 100_000_000 });
    }

    const registered = await fetch(`${login.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${run}@example.com`, password: `B3nch-${randomUUID()}`, displayName: 'Bench' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    const { accessToken } = (await registered.json()) as { accessToken: string };

    console.log(`POST /orders, ${connections} connections, ${rounds} rounds × ${seconds} s per mode; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
    for (const mode of MODES) await load(checkout[mode].url, accessToken, tiers[mode], 3); // warm-up (JIT, pools, JWKS)

    const results: Round[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]);
      for (const mode of order) {
        const result = await load(checkout[mode].url, accessToken, tiers[mode], seconds);
        const entry = { mode, requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts, load: loadavg()[0] };
        results.push(entry);
        console.log(`round ${round + 1} ${mode.padEnd(6)} ${entry.requestsPerSecond.toFixed(1).padStart(7)} req/s  p50 ${entry.p50} ms  p99 ${entry.p99} ms  failed ${entry.failed}  load ${entry.load.toFixed(2)}`);
      }
    }

    const summary = (mode: Mode) => {
      const rows = results.filter((r) => r.mode === mode);
      return { rps: median(rows.map((r) => r.requestsPerSecond)), p50: median(rows.map((r) => r.p50)), p99: median(rows.map((r) => r.p99)), failed: rows.reduce((n, r) => n + r.failed, 0) };
    };
    const labels: Record<Mode, string> = { off: 'off    (OTEL_SDK_DISABLED=true)', idle: 'idle   (SDK, no collector)', export: 'export (OTLP/HTTP protobuf, all spans)' };
    const off = summary('off');
    console.log('\nmedian of rounds');
    for (const mode of MODES) {
      const m = summary(mode);
      const change = mode === 'off' ? '' : `  ${(((m.rps - off.rps) / off.rps) * 100).toFixed(1)} % vs off`;
      console.log(`  ${labels[mode].padEnd(40)} ${m.rps.toFixed(1).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  failed ${m.failed}${change}`);
    }
    console.log(`  OTLP bytes received from the export checkout: ${sink.bytes()}`);
    if (sink.bytes() === 0) throw new Error('the export checkout exported nothing: its figures did not measure tracing');
  } finally {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await sink.close();
    await Promise.all((['login', ...MODES] as const).map((db) => dropDatabase(databases[db], names[db]).catch(() => undefined)));
  }
}

main().catch((error: unknown) => {
  console.error(`tracing-overhead: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
