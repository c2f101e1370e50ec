/**
 * What a login costs, measured locally:
 *   1. Argon2id hash and verify time in-process (the parameters login uses);
 *   2. POST /auth/login latency and throughput through HTTP against the built service and the
 *      local stack's PostgreSQL, with autocannon: one connection (the cost of one login, no
 *      queueing) and several (saturation), for a right password, a wrong one and an unknown email.
 *
 *   eval "$(bash libs/local-stack/bin/stack env)"
 *   npx nx run login:build
 *   node_modules/.bin/tsx services/login/bench/login.bench.ts [--duration 15] [--connections 8]
 *
 * Creates a throw-away database login_bench_<random> and drops it at the end. Rate limits are
 * lifted for the run (they would answer 429 long before the CPU is busy).
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ARGON2ID_OPTIONS, PasswordHasher } from '../src/passwords/password-hasher';

const repoRoot = path.resolve(__dirname, '../../..');
const PASSWORD = 'correct horse battery staple';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeEach(count: number, run: () => Promise<unknown>): Promise<{ p50: number; p99: number; mean: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

async function measureArgon2(): Promise<void> {
  const hasher = new PasswordHasher();
  const stored = await hasher.hash(PASSWORD);
  const hash = await timeEach(50, () => hasher.hash(PASSWORD));
  const verify = await timeEach(50, () => hasher.verify(stored, PASSWORD));
  const { memoryCost, timeCost, parallelism } = ARGON2ID_OPTIONS;
  console.log(`\nArgon2id m=${memoryCost} KiB, t=${timeCost}, p=${parallelism} (50 sequential runs each)`);
  console.log(`  hash    p50 ${hash.p50.toFixed(1)} ms   p99 ${hash.p99.toFixed(1)} ms   mean ${hash.mean.toFixed(1)} ms`);
  console.log(`  verify  p50 ${verify.p50.toFixed(1)} ms   p99 ${verify.p99.toFixed(1)} ms   mean ${verify.mean.toFixed(1)} ms`);
}

function stackUrl(database: string): string {
  const { DATABASE_HOST, DATABASE_PORT, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BROKERS } = process.env;
  if (!DATABASE_HOST || !DATABASE_PORT || !DATABASE_USER || DATABASE_PASSWORD === undefined || !KAFKA_BROKERS) {
    throw new Error('needs the local stack: eval "$(bash libs/local-stack/bin/stack env)" first');
  }
  return `postgresql://${encodeURIComponent(DATABASE_USER)}:${encodeURIComponent(DATABASE_PASSWORD)}@${DATABASE_HOST}:${DATABASE_PORT}/${database}`;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startLogin(databaseUrl: string, port: number): Promise<ChildProcess> {
  const main = path.join(repoRoot, 'services/login/dist/main.js');
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      RATE_LIMIT_LOGIN_PER_IP: '100000000/1m',
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '100000000/1m',
      RATE_LIMIT_REGISTER_PER_IP: '100000000/1m',
    },
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`login exited with ${child.exitCode}; did you build it (npx nx run login:build)?`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ready) return child;
    if (Date.now() > deadline) throw new Error('login did not become ready in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function loginLoad(url: string, label: string, bodies: Array<{ email: string; password: string }>, connections: number, duration: number) {
  let next = 0;
  const result = await autocannon({
    url: `${url}/auth/login`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(bodies[next++ % bodies.length]) }),
      },
    ],
  });
  const statuses = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  const { p50, p90, p99, max } = result.latency;
  console.log(
    `  ${label.padEnd(16)} ${String(connections).padStart(3)} conn  ${result.requests.average.toFixed(1).padStart(6)} req/s  ` +
      `p50 ${String(p50).padStart(4)} ms  p90 ${String(p90).padStart(4)} ms  p99 ${String(p99).padStart(4)} ms  max ${String(max).padStart(4)} ms  [${statuses}${result.errors ? ` errors×${result.errors}` : ''}]`,
  );
}

async function main(): Promise<void> {
  const duration = option('duration', 15);
  const connections = option('connections', 8);
  console.log(`login benchmark on ${availableParallelism()} CPUs, Node ${process.version}`);
  await measureArgon2();

  const database = `login_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const databaseUrl = stackUrl(database);
  const deploy = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['libs/db-migrate/src/cli.ts', 'deploy', '--service', 'login'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL_LOGIN: databaseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (deploy.status !== 0) throw new Error('migrating the benchmark database failed');

  const port = await freePort();
  const login = await startLogin(databaseUrl, port);
  const url = `http://127.0.0.1:${port}`;
  try {
    const users = Array.from({ length: 20 }, (_, n) => ({ email: `bench-${n}-${randomUUID().slice(0, 6)}@example.com`, password: PASSWORD }));
    for (const user of users) {
      const response = await fetch(`${url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...user, displayName: 'Bench' }),
      });
      if (response.status !== 201) throw new Error(`registering a benchmark user answered ${response.status}`);
    }
    const wrong = users.map((u) => ({ ...u, password: 'not the right password' }));
    const unknown = users.map((u) => ({ email: `nobody-${u.email}`, password: PASSWORD }));

    console.log(`\nPOST /auth/login, ${duration} s per row (autocannon in the same machine)`);
    await loginLoad(url, 'warm-up', users, 2, 3).catch(() => undefined);
    for (const c of [1, connections]) {
      await loginLoad(url, 'right password', users, c, duration);
      await loginLoad(url, 'wrong password', wrong, c, duration);
      await loginLoad(url, 'unknown email', unknown, c, duration);
    }
  } finally {
    login.kill('SIGTERM');
    await once(login, 'exit');
    const admin = new Client({ connectionString: stackUrl('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(`login benchmark: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
