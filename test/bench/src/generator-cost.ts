import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { call } from '../../load/src/http';
import { runPaced, RunResult } from '../../load/src/runner';
import { LoadRecorder, MinuteRow, Progress } from '../../load/src/stats';

/** The generator's CPU per 1,000 requests in the first and the last row of a run, and how far apart they are. */
export interface CostComparison {
  first: { from: number; requests: number; cpuMsPer1000: number };
  last: { from: number; requests: number; cpuMsPer1000: number };
  /** (last − first) / first. */
  change: number;
  flat: boolean;
}

export const FLAT_WITHIN = 0.1;

const per1000 = (row: MinuteRow) => (row.requests > 0 ? (row.cpuMs / row.requests) * 1000 : 0);

/**
 * Compares the first and the last full row (a partial last row, shorter than `rowSeconds` minus a
 * second, is the drain after the run and is left out).
 */
export function compareFirstLast(rows: readonly MinuteRow[], rowSeconds: number): CostComparison {
  const full = rows.filter((r) => r.seconds >= rowSeconds - 1 && r.requests > 0);
  if (full.length < 2) throw new Error(`need at least two full ${rowSeconds} s rows to compare, got ${full.length}: run longer or shorten --row`);
  const [a, b] = [full[0], full[full.length - 1]];
  const first = { from: a.from, requests: a.requests, cpuMsPer1000: per1000(a) };
  const last = { from: b.from, requests: b.requests, cpuMsPer1000: per1000(b) };
  const change = (last.cpuMsPer1000 - first.cpuMsPer1000) / first.cpuMsPer1000;
  return { first, last, change, flat: Math.abs(change) <= FLAT_WITHIN };
}

// A separate process, so the benchmark's CPU figures are the generator's alone.
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export interface LoopbackServer {
  url: string;
  stop: () => Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [Buffer.from('')])])) as Buffer[];
  const port = /listening (\d+)/.exec(line.toString())?.[1];
  if (!port) throw new Error('the loopback server did not start');
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface GeneratorRun {
  rate: number;
  users: number;
  durationSeconds: number;
  rowSeconds: number;
  onProgress?: (progress: Progress) => void;
}

/**
 * The load generator as `npm run load` runs it (runner, HTTP calls, recorder, live line), with a
 * four-request iteration shaped like browse-buy, against `url`.
 */
export async function runGenerator(url: string, run: GeneratorRun): Promise<RunResult> {
  const recorder = new LoadRecorder();
  const iteration = async (i: number) => {
    await call(recorder, { step: 'GET /events', url: `${url}/events`, expect: [200] });
    await call(recorder, { step: 'GET /events/:id', url: `${url}/events/${i % 10}`, expect: [200] });
    await call(recorder, { step: 'POST /auth/login', url: `${url}/auth/login`, method: 'POST', body: { email: `u${i % run.users}@example.test`, password: 'x' }, expect: [201] });
    await call(recorder, { step: 'POST /orders', url: `${url}/orders`, method: 'POST', body: { tierId: 't', quantity: 1 }, headers: { authorization: 'Bearer t' }, expect: [201] });
  };
  return runPaced(
    { rate: run.rate, concurrency: run.users, durationSeconds: run.durationSeconds, maxIterations: Math.floor(run.rate * run.durationSeconds) + 1, rowSeconds: run.rowSeconds },
    iteration,
    recorder,
    run.onProgress,
  );
}
