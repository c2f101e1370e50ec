import { randomUUID } from 'node:crypto';
import { LoadOptions } from './args';
import { runPaced, RunResult } from './runner';
import { browseLoginBuy, flashSale, registerAccounts } from './scenarios';
import { LoadRecorder, Progress, progressLine } from './stats';

/** Registers the accounts, then runs the chosen scenario at the chosen pace. */
export async function runScenario(options: LoadOptions, onProgress?: (progress: Progress) => void): Promise<RunResult> {
  const accounts = await registerAccounts(options, randomUUID().slice(0, 8));
  const recorder = new LoadRecorder();
  const scenario = options.scenario === 'flash-sale' ? flashSale : browseLoginBuy;
  return runPaced(
    { rate: options.rate, concurrency: options.users, durationSeconds: options.durationSeconds, maxIterations: options.maxIterations },
    scenario(options, accounts, recorder),
    recorder,
    onProgress,
  );
}

/** Live progress: one line rewritten in place on a terminal, one line per second otherwise. */
export function printProgress(progress: Progress): void {
  const line = progressLine(progress);
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else console.log(line);
}
