import { Iteration } from './scenarios';
import { LoadRecorder, Summary } from './stats';

export interface Pace {
  /** Iterations started per second. */
  rate: number;
  /** Most iterations in flight; a start that would exceed it is skipped and counted. */
  concurrency: number;
  durationSeconds: number;
  maxIterations: number;
}

export interface RunResult {
  summary: Summary;
  iterations: number;
  /** Starts skipped because `concurrency` iterations were already running (the target is slower than the rate). */
  skipped: number;
}

/** How many iterations should have started after `elapsedSeconds` at `rate`, capped. */
export function dueStarts(elapsedSeconds: number, pace: Pace): number {
  return Math.min(pace.maxIterations, Math.floor(Math.min(elapsedSeconds, pace.durationSeconds) * pace.rate) + 1);
}

/** Starts iterations at a fixed rate until the duration or the cap is reached, then waits for the last ones. */
export async function runPaced(pace: Pace, iteration: Iteration, recorder: LoadRecorder, onProgress?: (summary: Summary, inFlight: number) => void): Promise<RunResult> {
  let started = 0;
  let skipped = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const begin = performance.now();
  const elapsed = () => (performance.now() - begin) / 1000;
  let lastProgress = 0;
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
    if (onProgress && elapsed() - lastProgress >= 1) {
      lastProgress = elapsed();
      onProgress(recorder.summary(), inFlight);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // Every request has its own timeout, so this ends.
  await Promise.all(running);
  return { summary: recorder.summary(), iterations: started, skipped };
}
