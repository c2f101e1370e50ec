/**
 * What a load run measured. Latencies go into fixed-size HDR histograms (one per step, one for the
 * current interval), so recording a sample and summarising cost the same at minute 1 and minute 60,
 * and memory does not grow with the number of requests.
 */
import { build, Histogram } from 'hdr-histogram-js';

export interface Summary {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Count per HTTP status (`"201"`) or failure without one (`"network"`, `"timeout"`). */
  byStatus: Record<string, number>;
  /** Requests that did not get the status the scenario expected. */
  errors: number;
  /** The same, per step of the scenario (`"POST /orders"`). */
  bySteps: Record<string, { requests: number; errors: number; p50: number; p99: number }>;
}

/** Requests that finished within one interval (a second of the live line, a minute of the table). */
export interface IntervalStats {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** Nearest-rank percentile of ascending `sorted` (p in 0..100); 0 for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Microseconds up to 60 s (a request times out after 10 s) at 3 significant digits: ~0.1 % error. */
const HIGHEST_US = 60_000_000;

function newHistogram(): Histogram {
  // No auto-resize: the size is fixed here, whatever is recorded.
  return build({ bitBucketSize: 32, autoResize: false, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

/** Latencies and error count of a set of requests: constant memory, constant work per sample. */
export class LatencyStats {
  private readonly histogram = newHistogram();
  requests = 0;
  errors = 0;
  /** Exact, not the histogram's bucket bound. */
  maxMs = 0;

  record(ms: number, ok: boolean): void {
    this.histogram.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000))));
    this.requests++;
    if (!ok) this.errors++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Adds `other`'s samples to these: the same as if they had been recorded here. */
  add(other: LatencyStats): void {
    this.histogram.add(other.histogram);
    this.requests += other.requests;
    this.errors += other.errors;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  reset(): void {
    this.histogram.reset();
    this.requests = 0;
    this.errors = 0;
    this.maxMs = 0;
  }

  /** p in 0..100, in milliseconds (0 without samples). */
  percentileMs(p: number): number {
    if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
    if (this.requests === 0) return 0;
    return Math.min(this.maxMs, this.histogram.getValueAtPercentile(p) / 1000);
  }

  latencyMs(): IntervalStats['latencyMs'] {
    return { p50: this.percentileMs(50), p90: this.percentileMs(90), p99: this.percentileMs(99), max: this.maxMs };
  }

  interval(seconds: number): IntervalStats {
    return { seconds, requests: this.requests, requestsPerSecond: seconds > 0 ? this.requests / seconds : 0, errors: this.errors, latencyMs: this.latencyMs() };
  }

  /** Bytes held by the histogram: fixed when it is built. */
  get footprintBytes(): number {
    return this.histogram.estimatedFootprintInBytes;
  }
}

export class LoadRecorder {
  private readonly steps = new Map<string, LatencyStats>();
  private readonly byStatus = new Map<string, number>();
  private readonly current = new LatencyStats();
  private readonly startedAt: number;
  private intervalStartedAt: number;
  private requests = 0;
  private errors = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
    this.intervalStartedAt = this.startedAt;
  }

  /** `outcome` is the HTTP status or a failure name; `ok` whether the scenario expected it. */
  record(step: string, ms: number, outcome: number | string, ok: boolean): void {
    let stats = this.steps.get(step);
    if (!stats) this.steps.set(step, (stats = new LatencyStats()));
    stats.record(ms, ok);
    this.current.record(ms, ok);
    const key = String(outcome);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    this.requests++;
    if (!ok) this.errors++;
  }

  get count(): number {
    return this.requests;
  }

  elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  /**
   * The requests that finished since the last call (or the start), then starts a new interval.
   * `alsoInto` receives the interval's samples first (e.g. the minute the second belongs to).
   */
  takeInterval(...alsoInto: LatencyStats[]): IntervalStats {
    const now = this.now();
    const stats = this.current.interval((now - this.intervalStartedAt) / 1000);
    for (const into of alsoInto) into.add(this.current);
    this.current.reset();
    this.intervalStartedAt = now;
    return stats;
  }

  /** The run's counts so far, without its percentiles (cheap). */
  summaryCounts(): { requests: number; errors: number } {
    return { requests: this.requests, errors: this.errors };
  }

  /** The whole run so far: the per-step histograms merged. */
  summary(): Summary {
    const seconds = this.elapsedSeconds();
    const all = new LatencyStats();
    const bySteps: Summary['bySteps'] = {};
    for (const [step, stats] of this.steps) {
      all.add(stats);
      bySteps[step] = { requests: stats.requests, errors: stats.errors, p50: stats.percentileMs(50), p99: stats.percentileMs(99) };
    }
    return {
      requests: all.requests,
      seconds,
      requestsPerSecond: seconds > 0 ? all.requests / seconds : 0,
      latencyMs: all.latencyMs(),
      byStatus: Object.fromEntries(this.byStatus),
      errors: all.errors,
      bySteps,
    };
  }

  /** Bytes held by the histograms: grows with the number of steps, not of requests. */
  get footprintBytes(): number {
    let bytes = this.current.footprintBytes;
    for (const stats of this.steps.values()) bytes += stats.footprintBytes;
    return bytes;
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

export interface Progress {
  /** The last interval (about a second): what the services do now. */
  interval: IntervalStats;
  /** Since the start. */
  total: { seconds: number; requests: number; requestsPerSecond: number; errors: number };
  inFlight: number;
  /** The generator's own CPU over the interval, % of one core. */
  cpuPercent: number;
}

/** One line for the live progress display: the last interval first, the run so far apart and labelled. */
export function progressLine(p: Progress): string {
  const i = p.interval;
  return [
    `${p.total.seconds.toFixed(0).padStart(4)} s`,
    `last ${i.seconds.toFixed(1)} s: ${i.requestsPerSecond.toFixed(0).padStart(5)}/s  p50 ${ms(i.latencyMs.p50)}  p99 ${ms(i.latencyMs.p99)}  errors ${i.errors}`,
    `run: ${p.total.requests} requests  ${p.total.requestsPerSecond.toFixed(1)}/s  errors ${p.total.errors}`,
    `in flight ${p.inFlight}  generator CPU ${p.cpuPercent.toFixed(0)} %`,
  ].join('  |  ');
}

/** One row of the per-minute table: an interval and the generator's CPU over it. */
export interface MinuteRow extends IntervalStats {
  /** Seconds since the start at which the minute began. */
  from: number;
  /** CPU time the generator used in it (user + system), ms. */
  cpuMs: number;
}

export function formatMinutes(rows: readonly MinuteRow[]): string {
  const header = 'minute   from s  requests   req/s    p50 ms    p90 ms    p99 ms  errors  generator CPU';
  const lines = rows.map((r, n) =>
    [
      String(n + 1).padStart(6),
      r.from.toFixed(0).padStart(8),
      String(r.requests).padStart(9),
      r.requestsPerSecond.toFixed(1).padStart(7),
      r.latencyMs.p50.toFixed(1).padStart(9),
      r.latencyMs.p90.toFixed(1).padStart(9),
      r.latencyMs.p99.toFixed(1).padStart(9),
      String(r.errors).padStart(7),
      `${((r.cpuMs / (r.seconds * 1000)) * 100).toFixed(1).padStart(6)} %  (${(r.requests ? (r.cpuMs / r.requests) * 1000 : 0).toFixed(0)} ms per 1,000 requests)`,
    ].join(' '),
  );
  return [header, ...lines].join('\n');
}

export function formatSummary(summary: Summary): string {
  const statuses = Object.entries(summary.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join('  ');
  const lines = [
    `requests   ${summary.requests} in ${summary.seconds.toFixed(1)} s = ${summary.requestsPerSecond.toFixed(1)} requests/s`,
    `latency    p50 ${ms(summary.latencyMs.p50)}  p90 ${ms(summary.latencyMs.p90)}  p99 ${ms(summary.latencyMs.p99)}  max ${ms(summary.latencyMs.max)}`,
    `statuses   ${statuses || '(none)'}`,
    `errors     ${summary.errors} (responses the scenario did not expect)`,
    'per step:',
    ...Object.entries(summary.bySteps).map(
      ([step, s]) => `  ${step.padEnd(22)} ${String(s.requests).padStart(7)} requests  ${String(s.errors).padStart(5)} errors  p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`,
    ),
  ];
  return lines.join('\n');
}
