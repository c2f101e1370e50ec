import { rmSync } from 'node:fs';
import { CACHE_ENV } from './support/cache';
import { ROLLOUTS_EVAL_ENV } from './support/rollouts-eval';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[CACHE_ENV];
  if (file) rmSync(file, { force: true });
  const evaluator = process.env[ROLLOUTS_EVAL_ENV];
  if (evaluator) rmSync(evaluator, { force: true });
}
