import { formatSummary, LoadRecorder, percentile } from './stats';

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
    expect(summary.latencyMs.p50).toBe(7);
    expect(summary.bySteps['POST /orders']).toEqual({ requests: 4, errors: 2, p50: 60, p99: 10_000 });
    expect(formatSummary(summary)).toContain('503×1');
  });
});
