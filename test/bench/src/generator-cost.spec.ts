import { MinuteRow } from '../../load/src/stats';
import { compareFirstLast, runGenerator, startLoopbackServer } from './generator-cost';

const row = (from: number, seconds: number, requests: number, cpuMs: number): MinuteRow => ({
  from,
  seconds,
  requests,
  cpuMs,
  requestsPerSecond: requests / seconds,
  errors: 0,
  latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 },
});

describe('compareFirstLast', () => {
  it('compares CPU per 1,000 requests of the first and the last full row', () => {
    const c = compareFirstLast([row(0, 60, 12_000, 9_600), row(60, 60, 12_000, 10_000), row(120, 60.2, 12_000, 10_320), row(180.2, 0.4, 40, 900)], 60);
    expect(c.first).toEqual({ from: 0, requests: 12_000, cpuMsPer1000: 800 });
    expect(c.last).toEqual({ from: 120, requests: 12_000, cpuMsPer1000: 860 });
    expect(c.change).toBeCloseTo(0.075, 6);
    expect(c.flat).toBe(true);
  });

  it('is not flat when the cost grew by more than 10 %', () => {
    const c = compareFirstLast([row(0, 60, 12_000, 9_600), row(60, 60, 12_000, 64_800)], 60);
    expect(c.change).toBeCloseTo(5.75, 6);
    expect(c.flat).toBe(false);
  });

  it('needs two full rows', () => {
    expect(() => compareFirstLast([row(0, 60, 100, 10), row(60, 20, 100, 10)], 60)).toThrow('two full 60 s rows');
  });
});

describe('runGenerator', () => {
  it('runs browse-buy-shaped iterations against the loopback server and counts every request', async () => {
    const server = await startLoopbackServer();
    try {
      const result = await runGenerator(server.url, { rate: 10, users: 5, durationSeconds: 1, rowSeconds: 60 });
      expect(result.summary.errors).toBe(0);
      expect(result.summary.requests).toBe(result.iterations * 4);
      expect(Object.keys(result.summary.bySteps)).toEqual(['GET /events', 'GET /events/:id', 'POST /auth/login', 'POST /orders']);
      expect(result.summary.byStatus).toEqual({ '200': result.iterations * 2, '201': result.iterations * 2 });
      expect(result.minutes[0].cpuMs).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
