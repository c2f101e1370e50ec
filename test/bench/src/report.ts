import type { DrainRow } from './child-benches';
import type { LoopResult } from './closed-loop';
import type { ColdStart } from './cold-start';
import type { OrdersBench } from './orders';

interface FlagFigure {
  mode: string;
  evaluation: string;
  p50: number;
  p99: number;
  mean: number;
}

const verdict = (met: boolean) => (met ? 'met' : '**not met**');
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const loop = (r: LoopResult) => `${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (c=${r.concurrency})`;

/** The figures of one `npm run bench` as Markdown, with each target and whether it was met. */
export function markdownReport(results: Record<string, unknown>): string {
  const out: string[] = [];
  const orders = results.orders as OrdersBench | undefined;
  if (orders) {
    out.push('### (a) POST /orders against the same SQL through pg', '', row(['concurrency', 'checkout', 'raw pg', 'ratio']), row(['---:', '---', '---', '---:']));
    orders.levels.forEach((c, i) => {
      const [a, b] = [orders.checkout[i], orders.baseline[i]];
      out.push(row([c, `${a.perSecond.toFixed(0)}/s p50 ${a.p50.toFixed(1)} p99 ${a.p99.toFixed(1)} ms`, `${b.perSecond.toFixed(0)}/s p50 ${b.p50.toFixed(1)} p99 ${b.p99.toFixed(1)} ms`, `${((a.perSecond / b.perSecond) * 100).toFixed(0)} %`]));
    });
    out.push('', `Knee (lowest concurrency within 90 % of the best): checkout ${loop(orders.checkoutKnee)}; raw pg ${loop(orders.baselineKnee)}.`);
    out.push(`Best throughput ratio checkout / raw pg: **${(orders.ratio * 100).toFixed(0)} %** (target ≥ 50 %: ${verdict(orders.ratio >= 0.5)}).`);
    if (orders.relay) out.push(`checkout's outbox relay published all ${orders.relay.published} events of the run to Kafka (${orders.relay.failedAttempts} failed attempts).`);
    out.push('');
  }
  const drain = results.drain as { providerLatency: DrainRow[]; noLatency: DrainRow[] } | undefined;
  if (drain) {
    const runs = [
      ['notify as deployed (50 ms simulated provider call per send, one partition at a time per instance)', drain.providerLatency],
      ['no provider latency (`--latency-ms 0`): CPU-bound, the machine is the limit', drain.noLatency],
    ] as const;
    out.push('### (b) notify drain rate', '');
    for (const [title, rows] of runs) {
      out.push(`${title}:`, '', row(['instances', 'messages', 'drain (msg/s)', 'incl. start-up (msg/s)']), row(['---:', '---:', '---:', '---:']));
      for (const d of rows) out.push(row([d.instances, d.messages, d.drainPerSecond, d.wallPerSecond]));
      const [one, two] = [rows.find((d) => d.instances === 1), rows.find((d) => d.instances === 2)];
      if (one && two) {
        const speedup = two.drainPerSecond / one.drainPerSecond;
        out.push('', `1 → 2 instances: **${speedup.toFixed(2)}×** (target ≥ 1.8×: ${verdict(speedup >= 1.8)}).`, '');
      }
    }
  }
  const flags = (results.flags as { results?: FlagFigure[] } | undefined)?.results;
  if (flags) {
    out.push('### (c) flag evaluation', '', row(['mode', 'evaluation', 'p50 (µs)', 'p99 (µs)', 'mean (µs)']), row(['---', '---', '---:', '---:', '---:']));
    for (const f of flags) out.push(row([f.mode, f.evaluation, f.p50, f.p99, f.mean]));
    out.push('');
  }
  const cold = results.coldStart as ColdStart[] | undefined;
  if (cold) {
    out.push('### (d) cold start to ready', '', row(['service', 'runs (ms)', 'median (ms)', 'target ≤ 1500 ms']), row(['---', '---', '---:', '---']));
    for (const c of cold) out.push(row([c.service, c.runsMs.join(', '), c.medianMs, verdict(c.medianMs <= 1500)]));
  }
  return out.join('\n');
}
