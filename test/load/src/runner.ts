import { ProgressClock } from './progress';
import { Iteration } from './scenarios';
import { LoadRecorder, MinuteRow, Progress, Summary } from './stats';

export interface Pace {
  /** Iterations started per second. */
  rate: number;
  /** Most iterations in flight; a start that would exceed it is skipped and counted. */
  concurrency: number;
  durationSeconds: number;
  maxIterations: number;
  /** Length of a row of the per-run table (`minutes`); 60 unless a benchmark wants shorter ones. */
  rowSeconds?: number;
}

export interface RunResult {
  summary: Summary;
  iterations: number;
  /** Starts skipped because `concurrency` iterations were already running (the target is slower than the rate). */
  skipped: number;
  /** Per minute of the run: rate, percentiles, the generator's CPU. */
  minutes: MinuteRow[];
}

/** How many iterations should have started after `elapsedSeconds` at `rate`, capped. */
export function dueStarts(elapsedSeconds: number, pace: Pace): number {
  return Math.min(pace.maxIterations, Math.floor(Math.min(elapsedSeconds, pace.durationSeconds) * pace.rate) + 1);
}

/** The iterations `rate` × `duration` start (what the default cap is sized to). */
export function plannedIterations(rate: number, durationSeconds: number): number {
  return Math.floor(durationSeconds * rate) + 1;
}

/** Why the run will end before its duration, when the iteration cap is lower than rate × duration. */
export function capWarning(pace: Pace): string | undefined {
  if (pace.maxIterations >= plannedIterations(pace.rate, pace.durationSeconds)) return undefined;
  const seconds = (pace.maxIterations - 1) / pace.rate;
  return `--max-iterations ${pace.maxIterations} ends the run after about ${seconds.toFixed(0)} s of the ${pace.durationSeconds} s asked for (${pace.rate}/s × ${pace.durationSeconds} s needs ${plannedIterations(pace.rate, pace.durationSeconds)}); raise it or leave it out`;
}

/** Starts iterations at a fixed rate until the duration or the cap is reached, then waits for the last ones. */
export async function runPaced(pace: Pace, iteration: Iteration, recorder: LoadRecorder, onProgress?: (progress: Progress) => void): Promise<RunResult> {
  let started = 0;
  let skipped = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const begin = performance.now();
  const elapsed = () => (performance.now() - begin) / 1000;
  const clock = new ProgressClock(recorder, undefined, pace.rowSeconds);
  let nextTick = 1;
  while (elapsed() < pace.durationSeconds && started + skipped < pace.maxIterations) {
    const due = dueStarts(elapsed(), pace);
    while (started + skipped < due) {
      if (inFlight >= pace.concurrency) {
        skipped++;
        continue;
      }
      const i = started++;
      inFlight++;
      const p: Promise<void> = iteration(i)
        .catch(() => undefined)
        .finally(() => {
          inFlight--;
          running.delete(p);
        });
      running.add(p);
    }
    if (elapsed() >= nextTick) {
      nextTick = Math.floor(elapsed()) + 1;
      const progress = clock.tick(inFlight);
      onProgress?.(progress);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // Every request has its own timeout, so this ends.
  await Promise.all(running);
  const minutes = clock.finish();
  return { summary: recorder.summary(), iterations: started, skipped, minutes };
}
