import { ProgressClock } from './progress';
import { runPaced } from './runner';
import { LoadRecorder, Progress } from './stats';

describe('ProgressClock', () => {
  it('reports each second on its own and closes a row per minute with the CPU used in it', () => {
    let now = 0;
    let cpu = 0;
    const recorder = new LoadRecorder(() => now);
    const clock = new ProgressClock(recorder, () => cpu, 3);
    const ticks: Progress[] = [];
    // Seconds 1–3 fast and cheap, 4–6 slow and CPU-hungry, then half a second more.
    for (let second = 1; second <= 6; second++) {
      for (let i = 0; i < 10 * second; i++) recorder.record('GET /events', second <= 3 ? 2 : 40, 200, true);
      now = second * 1_000 + 3; // ticks come a few ms late
      cpu += second <= 3 ? 50 : 400;
      ticks.push(clock.tick(2));
    }
    recorder.record('GET /events', 40, 500, false);
    now = 6_500;
    cpu += 100;
    const minutes = clock.finish();

    expect(ticks.map((t) => t.interval.requests)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(ticks[3].interval.latencyMs.p50).toBeCloseTo(40, 1);
    expect(ticks[2].interval.latencyMs.p50).toBeCloseTo(2, 2);
    expect(ticks[0].cpuPercent).toBeCloseTo(5, 1);
    expect(ticks[4].cpuPercent).toBeCloseTo(40, 1);
    expect(ticks[5].total).toMatchObject({ seconds: 6.003, requests: 210, errors: 0 });
    expect(ticks[5].inFlight).toBe(2);

    expect(minutes).toHaveLength(3);
    expect(minutes.map((m) => [m.from, m.requests, m.errors, m.cpuMs])).toEqual([
      [0, 60, 0, 150],
      [3.003, 150, 0, 1_200],
      [6.003, 1, 1, 100],
    ]);
    expect(minutes[0].seconds).toBeCloseTo(3.003, 6);
    expect(minutes[1].latencyMs.p99).toBeCloseTo(40, 1);
    expect(minutes[0].latencyMs.p99).toBeCloseTo(2, 2);
  });

  it('adds no empty last row when the run ends on a minute', () => {
    let now = 0;
    const recorder = new LoadRecorder(() => now);
    const clock = new ProgressClock(recorder, () => 0, 2);
    for (const t of [1_000, 2_000]) {
      recorder.record('a', 1, 200, true);
      now = t;
      clock.tick(0);
    }
    now = 2_200;
    expect(clock.finish()).toHaveLength(1);
  });
});

describe('runPaced', () => {
  it('reports progress each second and accounts for every request in the per-minute rows', async () => {
    const recorder = new LoadRecorder();
    const progress: Progress[] = [];
    const result = await runPaced(
      { rate: 20, concurrency: 5, durationSeconds: 1.5, maxIterations: 1_000 },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        recorder.record('GET /x', 10, 200, true);
      },
      recorder,
      (p) => progress.push(p),
    );
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0].interval.requests).toBeGreaterThan(0);
    expect(result.summary.requests).toBe(result.iterations);
    expect(result.minutes).toHaveLength(1);
    expect(result.minutes[0].requests).toBe(result.summary.requests);
  });
});
