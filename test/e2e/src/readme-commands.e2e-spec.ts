/**
 * The README's everyday commands, run as printed (`npm run <command> -- …`) from a shell that has
 * exported nothing, against the demo running for this checkout (`demo.ts --serve`: what `npm start`
 * leaves running, without the walk-through). Each command has to find the stack and the services
 * by itself (libs/local-stack/src/with-local.ts and the demo's demo.env).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { requireStackEnv, waitFor } from '@boxoffice/testing';

const root = path.resolve(__dirname, '../../..');
const stack = requireStackEnv();
const stateDir = process.env.BOXOFFICE_STACK_DIR!;
const demoFile = path.join(stateDir, 'demo.env');

/** A new terminal's environment: none of the stack's or the demo's variables. */
function shellEnv(): NodeJS.ProcessEnv {
  const drop = /^(DATABASE_|KAFKA_|BOXOFFICE_STACK_DIR|LOGIN_URL|CHECKOUT_URL|NOTIFY_URL|FLAGS_DIR|JWKS_URL|npm_|NX_TASK|NX_CLI_SET)/;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !drop.test(key)));
}

interface Ran {
  code: number | null;
  out: string;
}

function npmRun(command: string, args: string[], timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', command, '--', ...args], { cwd: root, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function readDemoFile(): Record<string, string> {
  return Object.fromEntries(
    readFileSync(demoFile, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function json(url: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("the README's commands against the running demo", () => {
  let demo: ChildProcess;
  let demoOutput = '';
  let endpoints: Record<string, string>;
  const flagsDir = mkdtempSync(path.join(tmpdir(), 'boxoffice-readme-flags-'));

  beforeAll(async () => {
    if (existsSync(demoFile) && isAlive(Number(readDemoFile().DEMO_PID))) {
      throw new Error(`a demo is running for this checkout (pid ${readDemoFile().DEMO_PID}): stop it before running the e2e tests`);
    }
    // The test's demo reads a copy of the flag files, so the test never edits k8s/flags.
    cpSync(path.join(root, 'k8s/flags'), flagsDir, { recursive: true });
    demo = spawn(path.join(root, 'node_modules/.bin/tsx'), ['libs/local-stack/src/demo.ts', '--serve'], {
      cwd: root,
      env: { ...process.env, FLAGS_DIR: flagsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (c: Buffer) => (demoOutput += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (demoOutput += c.toString()));
    await waitFor(
      async () => {
        if (demo.exitCode !== null) throw new Error(`the demo exited with ${demo.exitCode}:\n${demoOutput}`);
        // (DEMO_PID is the demo's node process, a child of tsx.)
        return existsSync(demoFile) && isAlive(Number(readDemoFile().DEMO_PID));
      },
      { timeoutMs: 150_000, intervalMs: 250, what: `the demo to publish its endpoints in ${demoFile}` },
    );
    endpoints = readDemoFile();
  }, 180_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGTERM');
      await new Promise((resolve) => demo.once('exit', resolve));
    }
    rmSync(flagsDir, { recursive: true, force: true });
  }, 30_000);

  it('the demo publishes where its services are, and shows its story, not their logs', () => {
    expect(endpoints).toMatchObject({ LOGIN_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), CHECKOUT_URL: expect.any(String), FLAGS_DIR: flagsDir });
    expect(demoOutput).not.toMatch(/"level"|"msg"/);
    for (const service of ['login', 'checkout', 'notify']) expect(readFileSync(path.join(endpoints.DEMO_LOG_DIR, `${service}.log`), 'utf8')).toMatch(/"level"/);
  });

  it('npm run flags -- enable|disable checkout-kill-switch changes what the running checkout answers', async () => {
    const email = `readme-${randomUUID().slice(0, 8)}@example.test`;
    const password = 'readme harbour lantern 42';
    expect((await json(`${endpoints.LOGIN_URL}/auth/register`, { method: 'POST', body: { email, password, displayName: 'Readme' } })).status).toBe(201);
    const token = (await json(`${endpoints.LOGIN_URL}/auth/login`, { method: 'POST', body: { email, password } })).body.accessToken as string;
    const events = (await json(`${endpoints.CHECKOUT_URL}/events`)).body.events as Array<{ tiers: Array<{ id: string; seatsLeft: number }> }>;
    const tier = events.flatMap((e) => e.tiers).find((t) => t.seatsLeft > 10 && !t.id.endsWith('000000000051'))!;
    const order = () => json(`${endpoints.CHECKOUT_URL}/orders`, { method: 'POST', token, body: { tierId: tier.id, quantity: 1 }, headers: { 'idempotency-key': randomUUID() } });

    const enabled = await npmRun('flags', ['enable', 'checkout-kill-switch']);
    expect(enabled).toEqual({ code: 0, out: expect.stringContaining("the running demo's services read it and pick the change up within 2 s") });
    expect(readFileSync(path.join(flagsDir, 'boxoffice.features.yml'), 'utf8')).not.toBe(readFileSync(path.join(root, 'k8s/flags/boxoffice.features.yml'), 'utf8'));
    await waitFor(async () => (await order()).status === 503, { timeoutMs: 15_000, intervalMs: 500, what: 'checkout to refuse orders' });

    expect((await npmRun('flags', ['disable', 'checkout-kill-switch'])).code).toBe(0);
    await waitFor(async () => (await order()).status === 201, { timeoutMs: 15_000, intervalMs: 500, what: 'checkout to sell again' });
  }, 90_000);

  it("npm run load -- … sends its load to the demo's services", async () => {
    const run = await npmRun('load', ['--scenario', 'browse-buy', '--users', '2', '--rate', '2', '--duration', '3s']);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`against login ${endpoints.LOGIN_URL} and checkout ${endpoints.CHECKOUT_URL}`);
    expect(run.out).toMatch(/POST \/orders +\d+ requests +0 errors/);
  }, 90_000);

  it("npm run dead-letters -- list reads notify's dead-letter topic on the stack", async () => {
    const run = await npmRun('dead-letters', ['list']);
    expect(run).toEqual({ code: 0, out: expect.stringMatching(/^(no dead letters|id {2}.*\n[\s\S]*dead letter\(s\), \d+ not replayed yet)\n$/) });
  }, 60_000);

  it("npm run db -- status reads the services' databases on the stack", async () => {
    const run = await npmRun('db', ['status']);
    expect(run.code).toBe(0);
    for (const service of ['login', 'checkout', 'notify']) expect(run.out).toContain(`${service} (database "boxoffice_${service}" on 127.0.0.1:${stack.databasePort})`);
    expect(run.out).toMatch(/0 pending/);
  }, 60_000);

  it('npm run drill prints a compact timeline, a clickable chart and one summary line with its time', async () => {
    // A small backlog: two instances at most, so the drill stays short on a busy machine.
    const run = await npmRun('drill', ['--messages', '40', '--polling-interval', '2', '--max-seconds', '150'], 240_000);
    // Exit 1 is an undrained backlog: on a machine too busy to start notify in time the drill still
    // reports (how fast notify drains is the benchmarks' business, not this test's).
    expect([0, 1]).toContain(run.code);
    const rows = run.out
      .split('\n')
      .filter((l) => /^ +\d+ +\d+ +\d+ +\d+ {2}/.test(l))
      .map((l) => l.trim().split(/ +/).slice(0, 4).map(Number));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // a row only when the decided or running instances or the drained state change (and the last row)
    for (let i = 1; i < rows.length - 1; i++) {
      const [, lagBefore, desiredBefore, runningBefore] = rows[i - 1];
      const [, lag, desired, running] = rows[i];
      expect(desired !== desiredBefore || running !== runningBefore || (lag === 0) !== (lagBefore === 0)).toBe(true);
    }
    const chart = /chart: +(file:\/\/\S+)/.exec(run.out)?.[1];
    expect(chart && existsSync(fileURLToPath(chart))).toBe(true);
    expect(run.out.trim().split('\n').at(-1)).toMatch(/^drill: backlog of 40 (drained in \d+ s|NOT drained within \d+ s) by up to \d+ notify instance\(s\); drill done in \d+ s$/);
  }, 260_000);

  it('npm run stack -- status sees the stack the demo runs on', async () => {
    const run = await npmRun('stack', ['status']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`postgres +running +127\\.0\\.0\\.1:${stack.databasePort}`));
  }, 30_000);
});
