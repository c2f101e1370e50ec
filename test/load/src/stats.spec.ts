import { formatMinutes, formatSummary, LatencyStats, LoadRecorder, percentile, progressLine } from './stats';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('uses the nearest rank', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 9], 50)).toBe(7);
    expect(percentile([7, 9], 51)).toBe(9);
  });

  it('answers 0 without samples and refuses a percentile outside 0..100', () => {
    expect(percentile([], 99)).toBe(0);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

/** A deterministic spread of latencies: mostly 2–60 ms, a tail up to ~3 s. */
function latencies(n: number, seed = 1): number[] {
  let x = seed;
  const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => (next() < 0.97 ? 2 + next() * 58 : 60 + next() * 3_000));
}

/** HDR at 3 significant digits: within 0.1 % of the exact value. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe('LatencyStats', () => {
  it('gives percentiles within 0.1 % of the exact nearest-rank ones', () => {
    const values = latencies(20_000);
    const stats = new LatencyStats();
    values.forEach((ms, i) => stats.record(ms, i % 10 !== 0));
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [25, 50, 90, 99]) near(stats.percentileMs(p), percentile(sorted, p));
    expect(stats.maxMs).toBe(sorted.at(-1));
    expect(stats.requests).toBe(20_000);
    expect(stats.errors).toBe(2_000);
  });

  it('merges: two halves added together give what recording everything in one gives', () => {
    const values = latencies(10_000, 7);
    const whole = new LatencyStats();
    const first = new LatencyStats();
    const second = new LatencyStats();
    values.forEach((ms, i) => {
      whole.record(ms, i % 3 !== 0);
      (i < 4_000 ? first : second).record(ms, i % 3 !== 0);
    });
    first.add(second);
    expect(first.requests).toBe(whole.requests);
    expect(first.errors).toBe(whole.errors);
    expect(first.latencyMs()).toEqual(whole.latencyMs());
    for (const p of [1, 25, 50, 75, 90, 99, 99.99, 100]) expect(first.percentileMs(p)).toBe(whole.percentileMs(p));
    // The halves differ from the whole, so the merge is what made them equal.
    second.reset();
    values.slice(4_000).forEach((ms) => second.record(ms * 10, true));
    expect(second.percentileMs(50)).not.toBe(whole.percentileMs(50));
  });

  it('holds the same memory after a million samples as after ten, and clamps what it cannot hold', () => {
    const stats = new LatencyStats();
    for (const ms of latencies(10)) stats.record(ms, true);
    const footprint = stats.footprintBytes;
    expect(footprint).toBeGreaterThan(0);
    for (let i = 0; i < 1_000_000; i++) stats.record((i % 5_000) / 10, true);
    stats.record(120_000, false); // beyond the histogram's 60 s
    stats.record(-1, false);
    expect(stats.footprintBytes).toBe(footprint);
    expect(stats.requests).toBe(1_000_012);
    expect(stats.maxMs).toBe(120_000);
    expect(stats.percentileMs(100)).toBeLessThanOrEqual(120_000);
  });

  it('answers 0 without samples and refuses a percentile outside 0..100', () => {
    expect(new LatencyStats().latencyMs()).toEqual({ p50: 0, p90: 0, p99: 0, max: 0 });
    expect(() => new LatencyStats().percentileMs(-1)).toThrow(RangeError);
  });
});

describe('LoadRecorder', () => {
  it('summarises rate, latencies, statuses and errors per step', () => {
    let now = 0;
    const recorder = new LoadRecorder(() => now);
    for (let i = 1; i <= 10; i++) recorder.record('GET /events', i, 200, true);
    recorder.record('POST /orders', 50, 201, true);
    recorder.record('POST /orders', 60, 409, true);
    recorder.record('POST /orders', 70, 503, false);
    recorder.record('POST /orders', 10_000, 'timeout', false);
    now = 2_000;

    const summary = recorder.summary();

    expect(summary.requests).toBe(14);
    expect(summary.requestsPerSecond).toBe(7);
    expect(summary.byStatus).toEqual({ '200': 10, '201': 1, '409': 1, '503': 1, timeout: 1 });
    expect(summary.errors).toBe(2);
    expect(summary.latencyMs.max).toBe(10_000);
    near(summary.latencyMs.p50, 7);
    expect(summary.bySteps['POST /orders']).toMatchObject({ requests: 4, errors: 2, p99: 10_000 });
    near(summary.bySteps['POST /orders'].p50, 60);
    expect(formatSummary(summary)).toContain('503×1');
  });

  it('merges the steps into the run summary exactly as one histogram of every request would', () => {
    const recorder = new LoadRecorder(() => 0);
    const all = new LatencyStats();
    const steps = ['GET /events', 'GET /events/:id', 'POST /auth/login', 'POST /orders'];
    latencies(8_000, 3).forEach((ms, i) => {
      recorder.record(steps[i % 4], ms * (1 + (i % 4)), 200, i % 50 !== 0);
      all.record(ms * (1 + (i % 4)), i % 50 !== 0);
    });
    const summary = recorder.summary();
    expect(summary.latencyMs).toEqual(all.latencyMs());
    expect(summary.errors).toBe(all.errors);
    expect(Object.values(summary.bySteps).map((s) => s.requests)).toEqual([2_000, 2_000, 2_000, 2_000]);
  });

  it('reports each interval on its own, while the summary stays cumulative', () => {
    let now = 0;
    const recorder = new LoadRecorder(() => now);
    for (let i = 0; i < 1_000; i++) recorder.record('GET /events', 1, 200, true);
    now = 1_000;
    const fast = recorder.takeInterval();
    for (let i = 0; i < 5; i++) recorder.record('GET /events', 200, 503, false);
    now = 2_000;
    const slow = recorder.takeInterval();
    now = 2_500;
    const idle = recorder.takeInterval();

    expect(fast).toMatchObject({ seconds: 1, requests: 1_000, requestsPerSecond: 1_000, errors: 0 });
    near(fast.latencyMs.p99, 1);
    expect(slow).toMatchObject({ seconds: 1, requests: 5, requestsPerSecond: 5, errors: 5 });
    near(slow.latencyMs.p50, 200);
    expect(idle).toEqual({ seconds: 0.5, requests: 0, requestsPerSecond: 0, errors: 0, latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 } });
    // Over the whole run the 5 slow requests are under 1 %: p99 is still a fast one.
    const summary = recorder.summary();
    near(summary.latencyMs.p99, 1);
    expect(summary.latencyMs.max).toBe(200);
    expect(summary.requests).toBe(1_005);
    expect(recorder.summaryCounts()).toEqual({ requests: 1_005, errors: 5 });
  });

  it('passes an interval on to longer intervals before starting the next', () => {
    let now = 0;
    const recorder = new LoadRecorder(() => now);
    const minute = new LatencyStats();
    recorder.record('a', 5, 200, true);
    now = 1_000;
    recorder.takeInterval(minute);
    recorder.record('a', 50, 500, false);
    now = 2_000;
    recorder.takeInterval(minute);
    expect(minute.interval(2)).toMatchObject({ requests: 2, errors: 1, requestsPerSecond: 1 });
    expect(minute.maxMs).toBe(50);
  });

  it('keeps its memory whatever the number of requests', () => {
    const recorder = new LoadRecorder(() => 0);
    recorder.record('GET /events', 3, 200, true);
    recorder.record('POST /orders', 30, 201, true);
    const footprint = recorder.footprintBytes;
    for (let i = 0; i < 200_000; i++) recorder.record(i % 2 ? 'GET /events' : 'POST /orders', (i % 900) / 3, i % 7 ? 200 : 503, i % 7 !== 0);
    expect(recorder.footprintBytes).toBe(footprint);
    expect(recorder.count).toBe(200_002);
  });
});

describe('progressLine', () => {
  it('shows the last interval, and the run so far apart and labelled', () => {
    const line = progressLine({
      interval: { seconds: 1, requests: 20, requestsPerSecond: 20, errors: 1, latencyMs: { p50: 180, p90: 190, p99: 235.4, max: 240 } },
      total: { seconds: 300, requests: 6_000, requestsPerSecond: 20, errors: 3 },
      inFlight: 4,
      cpuPercent: 7.6,
    });
    expect(line).toContain('last 1.0 s:    20/s  p50 180.0 ms  p99 235.4 ms  errors 1');
    expect(line).toContain('run: 6000 requests  20.0/s  errors 3');
    expect(line).toContain('in flight 4  generator CPU 8 %');
  });
});

describe('formatMinutes', () => {
  it('gives rate, percentiles, errors and the generator CPU per minute', () => {
    const table = formatMinutes([
      { from: 0, seconds: 60, cpuMs: 4_800, requests: 4_800, requestsPerSecond: 80, errors: 0, latencyMs: { p50: 35.2, p90: 50, p99: 75.1, max: 90 } },
      { from: 60, seconds: 30, cpuMs: 2_700, requests: 2_400, requestsPerSecond: 80, errors: 2, latencyMs: { p50: 36, p90: 51, p99: 80, max: 95 } },
    ]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[1]).toMatch(/^\s+1\s+0\s+4800\s+80\.0\s+35\.2\s+50\.0\s+75\.1\s+0\s+8\.0 %\s+\(1000 ms per 1,000 requests\)$/);
    expect(table[2]).toMatch(/^\s+2\s+60\s+2400\s+80\.0\s+36\.0\s+51\.0\s+80\.0\s+2\s+9\.0 %\s+\(1125 ms per 1,000 requests\)$/);
  });
});
