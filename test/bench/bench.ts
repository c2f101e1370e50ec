/**
 * Box Office benchmarks (not part of the tests): `npm run bench -- [--only orders,drain,flags,cold-start]
 * [--seconds 8] [--levels 1,4,16,32] [--messages 1200] [--runs 3]`. Needs the local stack and
 * built services. Writes tmp/bench/results.json and prints a Markdown table for docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { requireStackEnv } from '@boxoffice/testing';
import { benchDrain, benchFlags, DrainRow } from './src/child-benches';
import { benchColdStart } from './src/cold-start';
import { benchOrders } from './src/orders';
import { markdownReport } from './src/report';

const repoRoot = path.resolve(__dirname, '../..');
const PARTS = ['orders', 'drain', 'flags', 'cold-start'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: PARTS.join(',') },
      seconds: { type: 'string', default: '8' },
      levels: { type: 'string', default: '1,4,16,32' },
      messages: { type: 'string', default: '1200' },
      runs: { type: 'string', default: '3' },
    },
  });
  const only = values.only.split(',');
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  const numbers = (name: string, text: string) => {
    const list = text.split(',').map(Number);
    if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new Error(`--${name}: positive integers, got "${text}"`);
    return list;
  };
  const [seconds] = numbers('seconds', values.seconds);
  const stack = requireStackEnv();
  const log = (line: string) => console.log(`bench: ${line}`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavgBefore: loadavg() };
  log(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };

  if (only.includes('orders')) results.orders = await benchOrders(stack, numbers('levels', values.levels), seconds, log);
  if (only.includes('drain')) {
    const [messages] = numbers('messages', values.messages);
    // As deployed (a 50 ms provider call per send), and with no provider latency (CPU-bound).
    const drain: Record<string, DrainRow[]> = {};
    for (const [name, latencyMs] of [['providerLatency', undefined], ['noLatency', 0]] as const) {
      log(`drain: services/notify/bench/drain-rate.ts with 1, 2 and 3 instances, ${latencyMs === undefined ? "notify's default send latency" : `--latency-ms ${latencyMs}`}`);
      drain[name] = (await benchDrain(messages, [1, 2, 3], latencyMs)).rows;
      log(`drain: ${drain[name].map((r) => `${r.instances}: ${r.drainPerSecond} msg/s`).join(', ')}`);
    }
    results.drain = drain;
  }
  if (only.includes('flags')) {
    log('flags: libs/flags/src/bench.ts');
    results.flags = await benchFlags(50_000, 3);
  }
  if (only.includes('cold-start')) results.coldStart = await benchColdStart(stack, numbers('runs', values.runs)[0], log);
  results.loadavgAfter = loadavg();

  const out = path.join(repoRoot, 'tmp/bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`\n${markdownReport(results)}\n\nresults: ${path.join(out, 'results.json')}`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
