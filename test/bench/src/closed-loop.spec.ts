import { closedLoop, knee, LoopResult } from './closed-loop';

const result = (concurrency: number, perSecond: number): LoopResult => ({ concurrency, perSecond, operations: 0, p50: 0, p99: 0, failures: {} });

describe('knee', () => {
  it('is the lowest concurrency within 90 % of the best throughput', () => {
    expect(knee([result(1, 100), result(4, 350), result(16, 400), result(32, 390)]).concurrency).toBe(16);
    expect(knee([result(16, 380), result(1, 100), result(4, 365)]).concurrency).toBe(4);
  });
});

describe('closedLoop', () => {
  it('keeps `concurrency` operations in flight, stops after the duration and counts failures by reason', async () => {
    let inFlight = 0;
    let most = 0;
    let n = 0;
    const r = await closedLoop(3, 0.2, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (++n % 4 === 0) throw new Error('HTTP 503');
    });
    expect(most).toBe(3);
    expect(r.operations).toBeGreaterThan(0);
    expect(r.failures['HTTP 503']).toBe(Math.floor(n / 4));
    expect(r.operations + r.failures['HTTP 503']).toBe(n);
  });
});
