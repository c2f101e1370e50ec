/**
 * Does the load generator stay cheap over a long run? Runs it (`test/load/src`: runner, HTTP calls,
 * recorder, live line) at a fixed rate against a trivial loopback server in another process, and
 * compares its own CPU per 1,000 requests in the first and the last minute: they must be within 10 %.
 *
 *   npx tsx test/bench/load-generator.ts [--duration 10m] [--rate 50] [--users 40] [--row 60s] [--warmup 10s]
 *
 * The first --warmup seconds (JIT compilation, connection pool) run before the measured run and are
 * not counted, so the comparison shows growth with the run's length, not the start-up.
 *
 * A benchmark, not a test: the default run takes 10 minutes. `--duration 2m` (or `--duration 40s
 * --row 10s`) for a quick look. Exit code 1 when the two differ by more than 10 %. Loopback only;
 * bounded by --duration. Needs no stack.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDuration } from '../load/src/args';
import { formatMinutes, formatSummary, progressLine } from '../load/src/stats';
import { compareFirstLast, FLAT_WITHIN, runGenerator, startLoopbackServer } from './src/generator-cost';

function bounded(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: an integer within ${min}..${max}, got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10m' },
      rate: { type: 'string', default: '50' },
      users: { type: 'string', default: '40' },
      row: { type: 'string', default: '60s' },
      warmup: { type: 'string', default: '10s' },
    },
  });
  const durationSeconds = parseDuration(values.duration);
  if (durationSeconds < 2 || durationSeconds > 3600) throw new Error(`--duration: within 2 s..1 h, got "${values.duration}"`);
  const rowSeconds = parseDuration(values.row);
  if (!Number.isInteger(rowSeconds) || rowSeconds < 1 || rowSeconds * 2 > durationSeconds) throw new Error(`--row: whole seconds, at most half of --duration, got "${values.row}"`);
  const rate = bounded('rate', values.rate, 1, 2000);
  const users = bounded('users', values.users, 1, 1000);
  const warmupSeconds = parseDuration(values.warmup);
  if (warmupSeconds > 60) throw new Error(`--warmup: at most 60 s, got "${values.warmup}"`);
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

  const server = await startLoopbackServer();
  console.log(`load-generator: ${rate} iterations/s (4 requests each) for ${durationSeconds} s against ${server.url}, rows of ${rowSeconds} s; ${cpus().length} CPUs, load average ${load()}`);
  let result;
  try {
    if (warmupSeconds > 0) {
      const warm = await runGenerator(server.url, { rate, users, durationSeconds: warmupSeconds, rowSeconds: 60 });
      console.log(`load-generator: warm-up ${warmupSeconds} s, ${warm.summary.requests} requests (not counted)`);
    }
    result = await runGenerator(server.url, {
      rate,
      users,
      durationSeconds,
      rowSeconds,
      onProgress: (p) => {
        // Formatted every second as the CLI does; printed every 10 s to keep the log short.
        const line = progressLine(p);
        if (Math.round(p.total.seconds) % 10 === 0) console.log(line);
      },
    });
  } finally {
    await server.stop();
  }
  console.log(`\n${formatSummary(result.summary)}\n\nper ${rowSeconds} s:\n${formatMinutes(result.minutes)}`);
  const c = compareFirstLast(result.minutes, rowSeconds);
  const verdict = c.flat ? 'flat' : `NOT flat (more than ${FLAT_WITHIN * 100} % apart)`;
  console.log(
    `\ngenerator CPU per 1,000 requests: first row (from ${c.first.from.toFixed(0)} s) ${c.first.cpuMsPer1000.toFixed(0)} ms, last row (from ${c.last.from.toFixed(0)} s) ${c.last.cpuMsPer1000.toFixed(0)} ms: ${(c.change * 100).toFixed(1)} %, ${verdict}`,
  );
  console.log(`load-generator: ${result.summary.requests} requests, ${result.summary.errors} errors, load average ${load()}, done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (!c.flat || result.summary.errors > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`load-generator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
