/**
 * The fault tier: the three built services on the real local stack, under a bounded order load,
 * through four faults in turn:
 *   postgres   PostgreSQL stopped (fast shutdown) and started again
 *   kafka      the broker SIGKILLed, then started again
 *   notify     one of two notify instances SIGKILLed while they drain a burst
 *   flags      the flag file truncated, then deleted, then restored
 * and checks, for each: no service process exited, every service ready again (time printed),
 * every order final, every outbox event on Kafka exactly once, exactly one notification per
 * event, flags unchanged by the bad file. Prints a table of the figures; exits 1 when a check failed.
 *
 *   npx nx run fault:fault        (after `npm run stack -- up` and eval "$(npm run -s stack -- env)")
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { deployMigrations } from '@boxoffice/db-migrate';
import { editFlag } from '@boxoffice/flags';
import {
  databaseUrl,
  freePort,
  operationsHeaders,
  requireStackEnv,
  seedCheckoutTiers,
  ServiceName,
  ServiceProcess,
  TEST_OPERATIONS_TOKEN,
  waitFor,
} from '@boxoffice/testing';
import { KafkaTally, Ledger, NOTIFIED_TOPICS } from './src/ledger';
import { emptyTally, LoadTally, registerAccounts, runOrderLoad } from './src/order-load';
import { ReadinessMonitor } from './src/readiness-monitor';
import { kafka, postgres } from './src/stack-control';
import { deliveryFigures, DeliveryFigures, deliveryProblems, formatTable, strayEvents } from './src/verdict';

const started = Date.now();
const stack = requireStackEnv();
const runId = randomUUID().slice(0, 8);
const version = `fault-${runId}`;
const repoRoot = path.resolve(__dirname, '../..');
const databases = { login: `fault_login_${runId}`, checkout: `fault_checkout_${runId}`, notify: `fault_notify_${runId}` };
const urls = { login: databaseUrl(stack, databases.login), checkout: databaseUrl(stack, databases.checkout), notify: databaseUrl(stack, databases.notify) };
const notifyGroup = `notify-fault-${runId}`;
/** Orders left pending (their request died with the database) are failed after this long. */
const ORDER_PENDING_TIMEOUT_MS = 5_000;
/** Bounded load per fault: this many orders, a few at a time, each retried for at most 45 s. */
const ORDERS_PER_FAULT = 60;

const say = (message: string) => process.stdout.write(`fault: ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

interface FaultResult {
  name: string;
  window: { from: number; to: number };
  tally: LoadTally;
  /** When the fault was over (server started again, instance killed, file restored). */
  faultEndedAt: number;
  readyAfterMs: number;
  caughtUpAfterMs: number;
  unreadyMs: Map<string, number>;
  figures?: DeliveryFigures;
}

const problems: string[] = [];
const running = new Map<string, ServiceProcess>();
const intentionallyKilled = new Set<string>();
let shuttingDown = false;
const exits: string[] = [];

function watchExit(name: string, proc: ServiceProcess): void {
  running.set(name, proc);
  void proc.exited.then((code) => {
    if (intentionallyKilled.has(name) || shuttingDown) return;
    const output = proc.logs().split('\n').slice(-15).join('\n');
    exits.push(`${name} exited with code ${code}; its last output:\n${output}`);
    say(`${name} EXITED with code ${code}:\n${output}`);
  });
}

async function startService(name: string, service: ServiceName, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const options = {
    service,
    port,
    readyTimeoutMs: 120_000,
    env: { SERVICE_VERSION: version, LOG_LEVEL: 'warn', KAFKA_BROKERS: stack.kafkaBrokers.join(','), METRICS_PORT: '0', OPERATIONS_TOKEN: TEST_OPERATIONS_TOKEN, ...env },
  };
  // Startup fails fast on a slow dependency by design (3 s to connect); on a machine this busy one
  // more try is fair. The faults are what this tier tests, not the start.
  const proc = await ServiceProcess.start(options).catch((error: Error) => {
    say(`${name} did not start, trying once more: ${error.message.split('\n').slice(0, 8).join('\n')}`);
    return ServiceProcess.start(options);
  });
  watchExit(name, proc);
  return proc;
}

/** This run's databases, and those an interrupted earlier run left behind. */
async function dropDatabases(): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl(stack, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ name: string }>(`SELECT datname AS name FROM pg_database WHERE datname LIKE 'fault\\_%'`);
    for (const { name } of rows) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function flagsStatus(url: string): Promise<{ revision: string | null; flagCount: number; stale: boolean; lastError: string | null }> {
  const response = await fetch(`${url}/health/ready`);
  const body = (await response.json()) as { checks?: { flags?: { details?: unknown } }; detail?: unknown };
  const details = body.checks?.flags?.details as { revision: string | null; flagCount: number; stale: boolean; lastError: string | null } | undefined;
  if (!details) throw new Error(`no flag status in ${url}/health/ready (HTTP ${response.status})`);
  return details;
}

async function main(): Promise<void> {
  say(`run ${runId}: databases ${Object.values(databases).join(', ')}, notify group ${notifyGroup}`);
  await dropDatabases();
  await Promise.all((Object.keys(urls) as ServiceName[]).map((service) => deployMigrations({ service, url: urls[service] })));
  const [tierId] = await seedCheckoutTiers(urls.checkout, { eventName: `Fault tier ${runId}`, seats: 100_000 });
  say(`databases migrated and seeded (${seconds(Date.now() - started)} s)`);

  // Flags: a private copy of the repo's files, with half of all payments failing, so that a reset to
  // the defaults (no failures) would show in the orders, not only in the status.
  const flagsDir = mkdtempSync(path.join(tmpdir(), 'fault-flags-'));
  cpSync(path.join(repoRoot, 'k8s/flags'), flagsDir, { recursive: true });
  editFlag(flagsDir, 'boxoffice', 'checkout-payment-failure-rate', { kind: 'default-variant', variant: 'high' });
  const flagFile = path.join(flagsDir, 'boxoffice.features.yml');
  const goodFlags = readFileSync(flagFile, 'utf8');

  const kafkaTally = new KafkaTally(stack.kafkaBrokers, `fault-tally-${runId}`);
  await kafkaTally.begin([{ groupId: notifyGroup, topics: [...NOTIFIED_TOPICS] }]);
  say(`consumer groups start at the topics' ends (${seconds(Date.now() - started)} s); starting the services`);

  const ledger = new Ledger(urls);
  const monitor = new ReadinessMonitor(() => new Map([...running].map(([name, proc]) => [name, proc.url])));
  try {
    const loginPort = await freePort();
    const jwks = `http://127.0.0.1:${loginPort}/.well-known/jwks.json`;
    const notifyEnv = (clientId: string) => ({
      DATABASE_URL: urls.notify,
      JWKS_URL: jwks,
      FLAGS_DIR: flagsDir,
      KAFKA_CONSUMER_GROUP: notifyGroup,
      KAFKA_CLIENT_ID: clientId,
      // Slow enough that a burst of orders leaves a backlog to drain (the notify fault kills mid-drain).
      SIMULATED_SEND_LATENCY_MS: '200',
    });
    const [login, checkout] = await Promise.all([
      startService('login', 'login', loginPort, { DATABASE_URL: urls.login, RATE_LIMIT_REGISTER_PER_IP: '10000/1h', RATE_LIMIT_LOGIN_PER_IP: '10000/15m' }),
      startService('checkout', 'checkout', await freePort(), {
        DATABASE_URL: urls.checkout,
        JWKS_URL: jwks,
        FLAGS_DIR: flagsDir,
        PAYMENT_LATENCY_MS: '20',
        ORDER_PENDING_TIMEOUT_MS: String(ORDER_PENDING_TIMEOUT_MS),
      }),
    ]);
    // One after the other: two members joining the group at once rebalance each other.
    await startService('notify-a', 'notify', await freePort(), notifyEnv('notify-a'));
    await startService('notify-b', 'notify', await freePort(), notifyEnv('notify-b'));
    monitor.start();
    say(`services ready (${seconds(Date.now() - started)} s): login ${login.url}, checkout ${checkout.url}, notify ${running.get('notify-a')!.url} and ${running.get('notify-b')!.url}`);

    const setupTally = emptyTally();
    const tokens = await registerAccounts(login.url, 8, setupTally);
    if (tokens.length !== 8) throw new Error(`could not register the buyers: ${setupTally.unexpected.join('; ') || 'gave up'}`);
    await runOrderLoad({ checkoutUrl: checkout.url, tokens, tierId, orders: 10, concurrency: 2, pauseMs: 0, retryForMs: 10_000 }, setupTally);
    await caughtUp(ledger, 60_000);
    say('warm-up: 10 orders and 8 accounts delivered');

    const load = (tally: LoadTally, overrides: { concurrency?: number; pauseMs?: number } = {}) =>
      runOrderLoad({ checkoutUrl: checkout.url, tokens, tierId, orders: ORDERS_PER_FAULT, concurrency: 4, pauseMs: 150, retryForMs: 45_000, stop: () => exits.length > 0, ...overrides }, tally);

    const results: FaultResult[] = [];
    results.push(
      await fault('postgres restart', monitor, ledger, load, async () => {
        say('postgres: stopping (pg_ctl stop -m fast)');
        await postgres.stop();
        await sleep(2_000);
        await postgres.start();
        say('postgres: started again');
      }),
    );
    results.push(
      await fault('kafka SIGKILL', monitor, ledger, load, async () => {
        say('kafka: SIGKILL');
        await kafka.kill();
        await sleep(3_000);
        await kafka.start();
        say('kafka: started again');
      }),
    );
    results.push(
      await fault(
        'notify SIGKILL',
        monitor,
        ledger,
        (tally) => load(tally, { concurrency: 8, pauseMs: 0 }),
        async () => {
          // Mid-drain: notifications are being sent and a backlog is still waiting.
          const before = (await ledger.notifiedEventIds()).size;
          await waitFor(
            async () => {
              const [{ unnotified }, notified] = await Promise.all([ledger.lagging(), ledger.notifiedEventIds()]);
              return unnotified >= 5 && notified.size > before;
            },
            { timeoutMs: 30_000, intervalMs: 50, what: 'notify to be draining a backlog' },
          );
          const victim = running.get('notify-b')!;
          intentionallyKilled.add('notify-b');
          running.delete('notify-b');
          say(`notify-b: SIGKILL mid-drain (${(await ledger.lagging()).unnotified} events waiting)`);
          await victim.stop('SIGKILL');
        },
        0,
      ),
    );
    const flagChecks: string[] = [];
    results.push(
      await fault('flag file emptied+deleted', monitor, ledger, load, async () => {
        const flagged = [checkout.url, running.get('notify-a')!.url];
        const before = await Promise.all(flagged.map(flagsStatus));
        const expectKept = async (what: string, errorPattern: RegExp) => {
          await waitFor(async () => (await Promise.all(flagged.map(flagsStatus))).every((s) => s.stale && errorPattern.test(s.lastError ?? '')), {
            timeoutMs: 10_000,
            what: `the services to report the ${what} flag file`,
          });
          const now = await Promise.all(flagged.map(flagsStatus));
          now.forEach((status, i) => {
            if (status.revision !== before[i].revision || status.flagCount !== before[i].flagCount) {
              flagChecks.push(`${what} file changed the flags of ${flagged[i]}: revision ${before[i].revision} → ${status.revision}, ${before[i].flagCount} → ${status.flagCount} flags`);
            }
          });
          say(`flags: ${what} file reported (${now[0].lastError?.slice(0, 90)}…), revision kept`);
        };
        writeFileSync(flagFile, '');
        await expectKept('emptied', /file is empty/);
        await sleep(1_000);
        unlinkSync(flagFile);
        await expectKept('deleted', /defines namespace "boxoffice"/);
        await sleep(1_000);
        writeFileSync(flagFile, goodFlags);
        await waitFor(async () => (await Promise.all(flagged.map(flagsStatus))).every((s) => !s.stale), { timeoutMs: 10_000, what: 'the restored flag file to be read' });
        say('flags: file restored');
      }),
    );
    const flagResult = results.at(-1)!;
    // Half of all payments fail by flag: with the defaults (file reset) none would.
    if ((flagResult.tally.statuses.get(402) ?? 0) === 0) flagChecks.push('no payment failed during the flag fault: the failure-rate flag fell back to its default');
    problems.push(...flagChecks);

    // Every order final: pending ones (their request died with the database) are failed by the sweeper.
    await waitFor(async () => (await ledger.orders()).every((o) => o.status !== 'pending'), {
      timeoutMs: ORDER_PENDING_TIMEOUT_MS * 6,
      intervalMs: 500,
      what: 'every order to be confirmed or failed',
    }).catch((error: Error) => problems.push(error.message));

    const [orders, outbox, copies, notified] = await Promise.all([ledger.orders(), ledger.outboxRows(), kafkaTally.copiesPerEvent(), ledger.notifiedEventIds()]);
    for (const result of results) {
      result.figures = deliveryFigures(result.window, orders, outbox, copies, notified);
      problems.push(...deliveryProblems(result.name, result.figures));
      if (result.tally.gaveUp.length > 0) problems.push(`${result.name}: ${result.tally.gaveUp.length} requests never got an answer within their retry budget`);
      if (result.tally.unexpected.length > 0) problems.push(`${result.name}: unexpected answers: ${result.tally.unexpected.slice(0, 3).join('; ')}`);
    }
    const all = deliveryFigures({ from: 0, to: Date.now() + 1 }, orders, outbox, copies, notified);
    problems.push(...deliveryProblems('whole run', all));
    const strays = strayEvents(outbox, copies);
    if (strays.length > 0) problems.push(`${strays.length} messages on Kafka match no outbox row: ${strays.slice(0, 3).join(', ')}`);
    problems.push(...exits);

    printTable(results, all);
    const relay = (await (await fetch(`${checkout.url}/health/outbox`, { headers: operationsHeaders })).json()) as { failedAttempts: number; published: number };
    say(`checkout's relay: ${relay.published} published, ${relay.failedAttempts} failed attempts (retried)`);
  } finally {
    monitor.stop();
    shuttingDown = true;
    await Promise.all([...running.values()].map((proc) => proc.stop('SIGTERM')));
    await dropDatabases().catch((error: Error) => say(`could not drop the run's databases: ${error.message}`));
    rmSync(flagsDir, { recursive: true, force: true });
  }
}

async function caughtUp(ledger: Ledger, timeoutMs: number): Promise<number> {
  return waitFor(
    async () => {
      const { unpublished, unnotified } = await ledger.lagging();
      return unpublished === 0 && unnotified === 0 && Date.now();
    },
    { timeoutMs, intervalMs: 250, what: 'every event published and notified' },
  );
}

async function fault(
  name: string,
  monitor: ReadinessMonitor,
  ledger: Ledger,
  load: (tally: LoadTally) => Promise<LoadTally>,
  inject: () => Promise<void>,
  injectAfterMs = 1_500,
): Promise<FaultResult> {
  say(`--- ${name}: ${ORDERS_PER_FAULT} orders while the fault happens`);
  const from = Date.now();
  const tally = emptyTally();
  const loading = load(tally);
  // A few registrations spread over the fault: login's writes go through its outbox too.
  const registering = (async () => {
    for (let i = 0; i < 4; i++) {
      if (exits.length > 0) return;
      await registerAccounts(monitorUrl('login'), 1, tally, 20_000);
      await sleep(1_000);
    }
  })();
  await sleep(injectAfterMs);
  await inject();
  const faultEndedAt = Date.now();
  await Promise.all([loading, registering]);
  // A service died: the remaining checks and faults would only wait out their timeouts.
  if (exits.length > 0) throw new Error(`${name}: a service exited (see above)`);
  const readyAt = await waitFor(() => monitor.allReady() && Date.now(), { timeoutMs: 60_000, intervalMs: 100, what: `every service ready after ${name}` })
    .then((at) => monitor.readyAgainAt(from, at))
    .catch((error: Error) => {
      problems.push(`${name}: ${error.message}`);
      return Number.NaN;
    });
  const caughtUpAt = await caughtUp(ledger, 90_000).catch((error: Error) => {
    problems.push(`${name}: ${error.message}`);
    return Number.NaN;
  });
  const to = Date.now();
  const result: FaultResult = {
    name,
    window: { from, to },
    tally,
    faultEndedAt,
    readyAfterMs: Math.max(0, readyAt - faultEndedAt),
    caughtUpAfterMs: Math.max(0, caughtUpAt - faultEndedAt),
    unreadyMs: monitor.unreadyMs(from, to),
  };
  const unready = [...result.unreadyMs].filter(([, ms]) => ms > 0).map(([svc, ms]) => `${svc} ${seconds(ms)} s`);
  say(
    `${name}: ${tally.requests} requests; unready: ${unready.join(', ') || 'none'}; all ready ${seconds(result.readyAfterMs)} s and caught up ${seconds(result.caughtUpAfterMs)} s after the fault ended`,
  );
  return result;
}

function monitorUrl(name: string): string {
  return running.get(name)!.url;
}

function printTable(results: FaultResult[], all: DeliveryFigures): void {
  const status = (tally: LoadTally, test: (s: number | 'error') => boolean) => [...tally.statuses].filter(([s]) => test(s)).reduce((n, [, c]) => n + c, 0);
  const rows = results.map((r) => {
    const f = r.figures!;
    const maxUnready = Math.max(0, ...r.unreadyMs.values());
    return [
      r.name,
      r.tally.requests,
      status(r.tally, (s) => s === 500 || s === 503),
      status(r.tally, (s) => s === 'error'),
      seconds(maxUnready),
      seconds(r.readyAfterMs),
      seconds(r.caughtUpAfterMs),
      `${f.finalOrders}/${f.orders}`,
      f.events,
      `${f.publishedOnce}/${f.duplicated}/${f.missing}`,
      `${f.notifiedOnce}/${f.notifiable}`,
    ];
  });
  rows.push(['whole run', '', '', '', '', '', '', `${all.finalOrders}/${all.orders}`, all.events, `${all.publishedOnce}/${all.duplicated}/${all.missing}`, `${all.notifiedOnce}/${all.notifiable}`]);
  const header = ['fault', 'requests', '5xx', 'conn err', 'unready s', 'ready after s', 'caught up s', 'orders final', 'events', 'kafka 1×/2×/0×', 'notified 1×'];
  process.stdout.write(`\n${formatTable(header, rows)}\n\n`);
  process.stdout.write('5xx: 500 and 503 answers (retried by the client with the same Idempotency-Key); unready s: longest a service answered 503 on /health/ready;\n');
  process.stdout.write('ready after / caught up: seconds after the fault ended until every service was ready / every event was on Kafka and notified.\n\n');
}

main()
  .catch((error: Error) => problems.push(`the fault tier could not run: ${error.stack ?? error.message}`))
  .finally(() => {
    const elapsed = seconds(Date.now() - started);
    if (problems.length > 0) {
      process.stdout.write(`fault: FAILED (${problems.length} problem(s)) in ${elapsed} s:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(1);
    }
    process.stdout.write(`fault: passed: 4 faults, no service exited, every order final, every event on Kafka once and notified once, flags kept (${elapsed} s)\n`);
    process.exit(0);
  });
