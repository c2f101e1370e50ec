/**
 * The local demo (`npm start`): starts login, checkout and notify against the running local stack
 * and walks through the whole story: an account, a ticket, its notification, a flag that changes
 * behaviour, a short load and the scale drill. Every step says what it does and where to look; a
 * failing step stops the demo naming the step and the reason. The services' logs go to files (listed
 * at the end); the terminal shows only the demo's story. While it runs, the demo publishes its
 * endpoints in the stack's state dir (local-endpoints.ts) so the README's commands find it.
 * `--serve`: start and publish the services, skip the walk-through, run until stopped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { databaseUrlFor } from '@boxoffice/db-migrate';
import { freePort, SERVICE_NAMES, ServiceName, ServiceProcess, startConsumerGroupAtEnd, waitFor } from '@boxoffice/testing';
import { findDemo, publishDemo, START_COMMAND, withdrawDemo } from './local-endpoints';

const repoRoot = path.resolve(__dirname, '../../..');
const serveOnly = process.argv.includes('--serve');
const keepRunning = serveOnly || (!process.argv.includes('--exit') && process.stdin.isTTY === true);
const withLocal = 'libs/local-stack/src/with-local.ts';
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const HOT_TIER_ID = '0b0c5e00-0000-4000-8000-000000000051';
/** What notify consumes (services/notify consumedTopics) in its consumer group `notify`. */
const NOTIFY_TOPICS = ['login.user-registered.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1'];

function serviceVersion(): string {
  const { version } = require(path.join(repoRoot, 'package.json')) as { version: string };
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return `${version}+${sha}`;
  } catch {
    return version;
  }
}

function portOf(service: ServiceName): number {
  const base = Number(process.env.DATABASE_PORT);
  if (!Number.isInteger(base)) throw new Error(`DATABASE_PORT is not set: start the demo with "${START_COMMAND}"`);
  return base + 5 + SERVICE_NAMES.indexOf(service);
}

class StepError extends Error {}

let stepNumber = 0;
/** Runs one step; its failure stops the demo with the step's name and the reason. */
async function step<T>(title: string, run: () => Promise<T>): Promise<T> {
  stepNumber++;
  console.log(`\n== ${stepNumber}. ${title}`);
  try {
    return await run();
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`step ${stepNumber} "${title}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const say = (line: string) => console.log(`   ${line}`);

/** Runs a repo script with tsx; resolves with its stdout (stderr and stdout echoed when `echo`). */
function runScript(args: string[], options: { env?: Record<string, string>; echo?: boolean; okCodes?: number[] } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (options.echo) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '   '));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (options.echo) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, '   '));
    });
    child.once('error', reject);
    child.once('exit', (code) => ((options.okCodes ?? [0]).includes(code ?? -1) ? resolve(out) : reject(new Error(`${args.join(' ')} exited with ${code}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function request(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

interface Tier {
  id: string;
  name: string;
  priceCents: number;
  seatsLeft: number;
}
interface CatalogEvent {
  id: string;
  name: string;
  city: string;
  tiers: Tier[];
}

function placeOrder(checkoutUrl: string, token: string, tierId: string): Promise<Answer> {
  return request(`${checkoutUrl}/orders`, { method: 'POST', token, body: { tierId, quantity: 1 }, headers: { 'idempotency-key': randomUUID() } });
}

/** The flag files' contents, to put back after the demo's own flag changes. */
function snapshotFlagFiles(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => [path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')]));
}

function restoreFlagFiles(snapshot: Map<string, string>): void {
  for (const [file, text] of snapshot) if (readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}

async function main(): Promise<void> {
  const started = Date.now();
  const version = serviceVersion();
  const stateDir = process.env.BOXOFFICE_STACK_DIR;
  if (!stateDir) throw new Error(`BOXOFFICE_STACK_DIR is not set: start the demo with "${START_COMMAND}"`);
  const running = findDemo(stateDir);
  if (running) throw new Error(`a demo is already running for this checkout (pid ${running.pid}, endpoints in ${running.file}): use it, or stop it (Ctrl-C in its terminal) first`);
  const services = new Map<ServiceName, ServiceProcess>();
  const metricsPorts = new Map<ServiceName, number>();
  // The services read the flag files the flags CLI edits: k8s/flags, as the cluster's Flipt does.
  const flagsDir = path.resolve(repoRoot, process.env.FLAGS_DIR ?? 'k8s/flags');
  const logDir = path.join(stateDir, 'demo-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = (service: ServiceName) => path.join(logDir, `${service}.log`);
  const stopAll = async () => {
    withdrawDemo(stateDir);
    await Promise.all([...services.values()].map((s) => s.stop('SIGTERM')));
  };
  const url = (service: ServiceName) => {
    const proc = services.get(service);
    if (!proc) throw new Error(`${service} is not running`);
    return proc.url;
  };
  let chart: string | undefined;

  try {
    const keyEnv = await step("Login's development signing key (kept between runs)", async () => {
      const keyDir = path.join(process.env.BOXOFFICE_STACK_DIR ?? path.join(repoRoot, 'tmp'), 'login-dev-key');
      const out = await runScript(['services/login/scripts/generate-dev-key.ts', keyDir]);
      const env = Object.fromEntries(out.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
      if (!env.JWT_PRIVATE_KEY_FILE) throw new Error(`generate-dev-key.ts printed no JWT_PRIVATE_KEY_FILE: ${out}`);
      say(`JWT_PRIVATE_KEY_FILE=${env.JWT_PRIVATE_KEY_FILE}`);
      return env;
    });

    await step(`Starting login, then checkout and notify (version ${version})`, async () => {
      const jwksUrl = `http://127.0.0.1:${portOf('login')}/.well-known/jwks.json`;
      const extra: Record<ServiceName, Record<string, string>> = {
        // The demo's load step registers and logs in many accounts from one address.
        login: { ...keyEnv, FLAGS_DIR: flagsDir, RATE_LIMIT_REGISTER_PER_IP: '100000/1m', RATE_LIMIT_LOGIN_PER_IP: '100000/1m', RATE_LIMIT_REGISTER_PER_ACCOUNT: '100000/1m' },
        checkout: { JWKS_URL: jwksUrl, FLAGS_DIR: flagsDir },
        notify: { JWKS_URL: jwksUrl, FLAGS_DIR: flagsDir },
      };
      // Messages already on the stack's topics belong to tests and earlier runs: notify's group
      // starts at their end, as a deployed group would after a restart, instead of working
      // through all of them at one partition at a time before the demo's own.
      try {
        await startConsumerGroupAtEnd((process.env.KAFKA_BROKERS ?? '').split(','), 'notify', NOTIFY_TOPICS);
        say(`notify's consumer group "notify" starts at the current end of ${NOTIFY_TOPICS.join(', ')}`);
      } catch (error) {
        // Only possible while another notify is in the group (e.g. a second demo): it keeps its offsets.
        say(`notify's consumer group keeps its offsets (${error instanceof Error ? error.message : String(error)})`);
      }
      for (const service of SERVICE_NAMES) {
        writeFileSync(logFile(service), '');
        const metricsPort = await freePort();
        metricsPorts.set(service, metricsPort);
        const proc = await ServiceProcess.start({
          service,
          port: portOf(service),
          env: {
            SERVICE_VERSION: version,
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
            DATABASE_URL: databaseUrlFor(service),
            KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
            METRICS_PORT: String(metricsPort),
            ...extra[service],
          },
          logFile: logFile(service),
          // A cold start on a busy laptop can take a while; the demo waits rather than fails.
          readyTimeoutMs: 90_000,
        });
        services.set(service, proc);
        say(`${service.padEnd(8)} ready at ${proc.url}   log ${logFile(service)}`);
      }
      say(`checkout and notify verify tokens offline against ${jwksUrl}; flags from ${path.relative(repoRoot, flagsDir) || flagsDir}`);
    });

    await step("Seeding checkout's demo catalog (idempotent)", async () => {
      const out = await runScript(['services/checkout/scripts/seed.ts'], { env: { DATABASE_URL: databaseUrlFor('checkout') } });
      for (const line of out.trim().split('\n')) say(line);
    });

    // Published once the catalog is seeded: whoever finds the demo finds it ready.
    const published = publishDemo(stateDir, {
      LOGIN_URL: url('login'),
      CHECKOUT_URL: url('checkout'),
      NOTIFY_URL: url('notify'),
      JWKS_URL: `${url('login')}/.well-known/jwks.json`,
      FLAGS_DIR: flagsDir,
      ...Object.fromEntries(SERVICE_NAMES.map((s) => [`${s.toUpperCase()}_METRICS_URL`, `http://127.0.0.1:${metricsPorts.get(s)}/metrics`])),
      DEMO_LOG_DIR: logDir,
    });
    say(`endpoints published in ${published}: npm run flags | load | dead-letters | db find them there`);

    if (!serveOnly) {
      await step('Health and version of each service (the header a canary split is seen by)', async () => {
        for (const [service, proc] of services) {
          const response = await fetch(`${proc.url}/health/ready`);
          const body = (await response.json()) as { checks: Record<string, { status: string }> };
          const checks = Object.entries(body.checks).map(([name, c]) => `${name}=${c.status}`).join(' ');
          say(`${service.padEnd(8)} ${response.status} x-boxoffice-version=${response.headers.get('x-boxoffice-version')} ${checks}`);
        }
      });

      const buyer = await step('Registering an account and logging in (login)', async () => {
        const email = `demo-${Date.now()}@example.test`;
        const password = 'demo harbour lantern 42';
        expectStatus(await request(`${url('login')}/auth/register`, { method: 'POST', body: { email, password, displayName: 'Demo Buyer' } }), 201, 'POST /auth/register');
        say(`POST /auth/register ${email} → 201 (login.user-registered.v1 goes out through the outbox)`);
        const login = expectStatus(await request(`${url('login')}/auth/login`, { method: 'POST', body: { email, password } }), 200, 'POST /auth/login');
        const token = login.body.accessToken as string;
        say(`POST /auth/login → 200, access token (${token.length} characters), expires in ${String(login.body.expiresIn)} s`);
        const me = expectStatus(await request(`${url('login')}/auth/me`, { token }), 200, 'GET /auth/me');
        say(`GET /auth/me → ${JSON.stringify(me.body)}`);
        return { email, token };
      });

      const tier = await step('Listing events (checkout)', async () => {
        const answer = expectStatus(await request(`${url('checkout')}/events`), 200, 'GET /events');
        const events = answer.body.events as CatalogEvent[];
        for (const event of events) {
          say(`${event.name} (${event.city}): ${event.tiers.map((t) => `${t.name} ${(t.priceCents / 100).toFixed(2)} × ${t.seatsLeft} left`).join(', ')}`);
        }
        const available = events.flatMap((e) => e.tiers.map((t) => ({ ...t, event: e.name }))).find((t) => t.seatsLeft > 0 && t.id !== HOT_TIER_ID);
        if (!available) throw new Error('no tier with seats left: every seeded event is sold out');
        return available;
      });

      const order = await step(`Buying one ticket: ${tier.event}, ${tier.name}`, async () => {
        const answer = expectStatus(await placeOrder(url('checkout'), buyer.token, tier.id), 201, 'POST /orders');
        say(`POST /orders → 201 order ${String(answer.body.id)} status ${String(answer.body.status)}, total ${JSON.stringify(answer.body.totalCents ?? answer.body.total)}`);
        say('checkout.order-placed.v1 and checkout.order-confirmed.v1 go to Kafka through the outbox');
        return answer.body;
      });

      await step('Waiting for the notification (notify consumed the events)', async () => {
        let notifications: Array<Record<string, unknown>> = [];
        await waitFor(
          async () => {
            const answer = expectStatus(await request(`${url('notify')}/notifications`, { token: buyer.token }), 200, 'GET /notifications');
            notifications = answer.body.notifications as Array<Record<string, unknown>>;
            // Stored first, then sent (the simulated provider call takes SIMULATED_SEND_LATENCY_MS).
            return notifications.some((n) => (String(n.kind).includes('order') || String(n.body).includes(String(order.id))) && n.status === 'delivered');
          },
          { timeoutMs: 30_000, intervalMs: 250, what: `a delivered notification about order ${String(order.id)} in GET /notifications` },
        );
        for (const n of notifications) say(`${String(n.kind)} by ${String(n.channel)} to ${String(n.recipient)}: "${String(n.subject)}" (${String(n.status)})`);
      });

      await step('Feature flag: the checkout kill switch (npm run flags edits k8s/flags; the services read it)', async () => {
        // The demo puts the files back as they were: a fresh clone stays clean.
        const snapshot = snapshotFlagFiles(flagsDir);
        const flags = (command: string) => runScript([withLocal, 'libs/flags/src/cli.ts', command, 'checkout-kill-switch'], { echo: true });
        try {
          say('npm run flags -- enable checkout-kill-switch');
          await flags('enable');
          let paused: Answer | undefined;
          await waitFor(
            async () => {
              const answer = await placeOrder(url('checkout'), buyer.token, tier.id);
              if (answer.status === 503) paused = answer;
              return paused !== undefined;
            },
            { timeoutMs: 10_000, intervalMs: 500, what: 'checkout to refuse orders after the kill switch was enabled' },
          );
          say(`POST /orders → 503 ${String(paused?.body.title)}: ${String(paused?.body.detail)}`);
          say('npm run flags -- disable checkout-kill-switch');
          await flags('disable');
          await waitFor(async () => (await placeOrder(url('checkout'), buyer.token, tier.id)).status === 201, { timeoutMs: 10_000, intervalMs: 500, what: 'checkout to sell again' });
          say('POST /orders → 201 again');
        } finally {
          restoreFlagFiles(snapshot);
        }
      });

      await step('A short load: browse → log in → buy, 5 buyers/s for 10 s (npm run load -- --users 10 --rate 5 --duration 10s)', async () => {
        await runScript([withLocal, 'test/load/load.ts', '--scenario', 'browse-buy', '--users', '10', '--rate', '5', '--duration', '10s'], { echo: true });
      });

      await step('The scale drill, short: a backlog for notify, its real lag, what KEDA would do, and that many instances (npm run drill)', async () => {
        // Exit 1 is an undrained backlog (e.g. instances too slow to start on a busy machine): the drill
        // still tells its story and draws its chart, so the demo goes on.
        const out = await runScript(['test/load/drill.ts', '--messages', '1500', '--polling-interval', '5', '--max-seconds', '120'], { echo: true, okCodes: [0, 1] });
        chart = /chart:\s+(\S+)/.exec(out)?.[1];
        if (!chart) throw new Error('the drill printed no chart');
      });

      await step('Where to look', async () => {
        for (const [service, proc] of services) {
          const metrics = `http://127.0.0.1:${metricsPorts.get(service)}/metrics`;
          const served = await fetch(metrics, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
          say(`${service.padEnd(8)} API docs ${proc.url}/docs   health ${proc.url}/health/ready   metrics ${metrics}${served ? '' : ' (not served by this build)'}`);
        }
        if (chart) say(`drill    chart ${chart}`);
        say('commands npm run flags -- list · npm run load -- --duration 30s · npm run drill · npm run dead-letters -- list · npm run db -- status');
        say('stack    npm run stack -- status | logs kafka | down');
        say('logs     the services write to:');
        for (const service of SERVICE_NAMES) say(`           ${logFile(service)}`);
      });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const took = Math.round((Date.now() - started) / 1000);
  if (!serveOnly) console.log(`\ndemo: walk-through done in ${took >= 60 ? `${Math.floor(took / 60)} min ${String(took % 60).padStart(2, '0')} s` : `${took} s`}`);
  if (!keepRunning) {
    console.log('\n== Stopping the services (run "npm start" in a terminal to keep them running)');
    await stopAll();
    return;
  }
  console.log('\nServices are running; press Ctrl-C to stop them (the stack keeps running: npm run stack -- down).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopAll();
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
