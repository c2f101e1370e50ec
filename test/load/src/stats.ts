/** What a load run measured: latencies and outcomes of every request, summarised at the end. */

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

/** Nearest-rank percentile of ascending `sorted` (p in 0..100); 0 for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

interface Sample {
  step: string;
  ms: number;
  outcome: string;
  ok: boolean;
}

export class LoadRecorder {
  private readonly samples: Sample[] = [];
  private readonly startedAt: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
  }

  /** `outcome` is the HTTP status or a failure name; `ok` whether the scenario expected it. */
  record(step: string, ms: number, outcome: number | string, ok: boolean): void {
    this.samples.push({ step, ms, outcome: String(outcome), ok });
  }

  get count(): number {
    return this.samples.length;
  }

  elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  summary(): Summary {
    const seconds = this.elapsedSeconds();
    const byStatus: Record<string, number> = {};
    const steps = new Map<string, Sample[]>();
    for (const s of this.samples) {
      byStatus[s.outcome] = (byStatus[s.outcome] ?? 0) + 1;
      steps.set(s.step, [...(steps.get(s.step) ?? []), s]);
    }
    const sortedMs = (list: Sample[]) => list.map((s) => s.ms).sort((a, b) => a - b);
    const all = sortedMs(this.samples);
    const bySteps: Summary['bySteps'] = {};
    for (const [step, list] of steps) {
      const ms = sortedMs(list);
      bySteps[step] = { requests: list.length, errors: list.filter((s) => !s.ok).length, p50: percentile(ms, 50), p99: percentile(ms, 99) };
    }
    return {
      requests: all.length,
      seconds,
      requestsPerSecond: seconds > 0 ? all.length / seconds : 0,
      latencyMs: { p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: all.at(-1) ?? 0 },
      byStatus,
      errors: this.samples.filter((s) => !s.ok).length,
      bySteps,
    };
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** One line for the live progress display. */
export function progressLine(summary: Summary, inFlight: number): string {
  return `${summary.seconds.toFixed(0).padStart(4)} s  ${String(summary.requests).padStart(7)} requests  ${summary.requestsPerSecond.toFixed(0).padStart(5)}/s  p50 ${ms(summary.latencyMs.p50)}  p99 ${ms(summary.latencyMs.p99)}  errors ${summary.errors}  in flight ${inFlight}`;
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
