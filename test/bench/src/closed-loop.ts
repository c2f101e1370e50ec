import { percentile } from '../../load/src/stats';

export interface LoopResult {
  concurrency: number;
  operations: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Operations that failed (thrown, or an unexpected HTTP status), by reason. */
  failures: Record<string, number>;
}

/**
 * `concurrency` workers each run `operation` back to back for `seconds`: the closed-loop way to
 * find the throughput a system reaches with that many requests in flight.
 */
export async function closedLoop(concurrency: number, seconds: number, operation: () => Promise<void>): Promise<LoopResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - t);
      } catch (error) {
        const reason = (error as Error).message.slice(0, 80);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { concurrency, operations: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
}

/** The knee: the lowest concurrency that already reaches 90 % of the best throughput seen. */
export function knee(results: readonly LoopResult[]): LoopResult {
  const best = Math.max(...results.map((r) => r.perSecond));
  const ascending = [...results].sort((a, b) => a.concurrency - b.concurrency);
  const found = ascending.find((r) => r.perSecond >= 0.9 * best);
  if (!found) throw new Error('knee of an empty result list');
  return found;
}
