import { spawn } from 'node:child_process';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

function runTsx(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), args, { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}: ${(err || out).trim().slice(-500)}`))));
  });
}

export interface DrainRow {
  instances: number;
  messages: number;
  /** Messages per second over the processing window (first created_at → last delivered_at). */
  drainPerSecond: number;
  /** Messages per second including process start-up and the group join. */
  wallPerSecond: number;
}

/** notify's own drain benchmark (services/notify/bench/drain-rate.ts), its table parsed. */
export async function benchDrain(messages: number, instances: number[], latencyMs?: number): Promise<{ rows: DrainRow[]; output: string }> {
  const latency = latencyMs === undefined ? [] : ['--latency-ms', String(latencyMs)];
  const output = await runTsx(['services/notify/bench/drain-rate.ts', '--messages', String(messages), '--instances', instances.join(','), ...latency]);
  const rows = output
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((cols) => cols.length === 7 && cols.every((n) => Number.isFinite(n)))
    .map(([n, msgs, drain, , wall]) => ({ instances: n, messages: msgs, drainPerSecond: drain, wallPerSecond: wall }));
  if (rows.length !== instances.length) throw new Error(`could not read drain-rate.ts's table:\n${output}`);
  return { rows, output };
}

/** libs/flags' per-evaluation benchmark, as JSON. */
export async function benchFlags(calls: number, rounds: number): Promise<unknown> {
  return JSON.parse(await runTsx(['libs/flags/src/bench.ts', '--calls', String(calls), '--rounds', String(rounds), '--warmup', String(Math.min(calls, 20_000)), '--json'])) as unknown;
}
