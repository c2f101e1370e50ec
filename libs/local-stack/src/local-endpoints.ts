/**
 * The one place where commands find what runs on this machine for this checkout:
 * - the stack (PostgreSQL + Kafka) publishes its connection settings through `stack env`
 *   (also written to <state dir>/.env by `stack up`);
 * - the demo (`npm start`) publishes its services' endpoints in <state dir>/demo.env while it runs,
 *   and removes the file when it stops.
 * Both files are `KEY=value` lines named like the environment variables the commands already read
 * (DATABASE_*, KAFKA_BROKERS, LOGIN_URL, CHECKOUT_URL, NOTIFY_URL, FLAGS_DIR, ...).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The one command that starts everything the README's commands need. */
export const START_COMMAND = 'npm start';

export const DEMO_FILE = 'demo.env';

export interface LocalStack {
  running: boolean;
  stateDir: string;
  /** DATABASE_HOST, DATABASE_PORT, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BROKERS, BOXOFFICE_STACK_DIR */
  env: Record<string, string>;
}

export interface Demo {
  pid: number;
  file: string;
  env: Record<string, string>;
}

/** `export KEY=value` lines as printed by `stack env` (bash %q quoting of plain values). */
export function parseExports(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars[match[1]] = match[2].replace(/\\(.)/g, '$1');
  }
  return vars;
}

export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars[match[1]] = match[2];
  }
  return vars;
}

function stackCommand(repoRoot: string, command: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', [path.join(repoRoot, 'libs/local-stack/bin/stack'), command], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
}

/** This checkout's stack: where its state lives, its settings, and whether both servers run. */
export function findLocalStack(repoRoot: string, env: NodeJS.ProcessEnv = process.env): LocalStack {
  const printed = stackCommand(repoRoot, 'env', env);
  if (printed.status !== 0) throw new Error(`"npm run stack -- env" failed: ${(printed.stderr || printed.stdout).trim()}`);
  const vars = parseExports(printed.stdout);
  const status = stackCommand(repoRoot, 'status', env);
  return { running: status.status === 0, stateDir: vars.BOXOFFICE_STACK_DIR, env: vars };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running demo's endpoints, or undefined when no demo runs (a file left by a killed demo is ignored). */
export function findDemo(stateDir: string): Demo | undefined {
  const file = path.join(stateDir, DEMO_FILE);
  if (!existsSync(file)) return undefined;
  const env = parseDotenv(readFileSync(file, 'utf8'));
  const pid = Number(env.DEMO_PID);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, file, env };
}

/** Publishes the demo's endpoints (atomically: readers never see half a file). */
export function publishDemo(stateDir: string, env: Record<string, string>, pid = process.pid): string {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, DEMO_FILE);
  const lines = Object.entries({ DEMO_PID: String(pid), ...env }).map(([key, value]) => `${key}=${value}`);
  writeFileSync(`${file}.${pid}.tmp`, `# Written by the running demo (npm start); removed when it stops.\n${lines.join('\n')}\n`);
  renameSync(`${file}.${pid}.tmp`, file);
  return file;
}

/** Removes the demo's file if it is this process's. */
export function withdrawDemo(stateDir: string, pid = process.pid): void {
  const file = path.join(stateDir, DEMO_FILE);
  if (!existsSync(file)) return;
  if (parseDotenv(readFileSync(file, 'utf8')).DEMO_PID === String(pid)) rmSync(file, { force: true });
}
