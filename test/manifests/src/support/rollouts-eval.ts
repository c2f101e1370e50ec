import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Evaluation } from '../checks/analysis';

/**
 * test/manifests/rollouts-eval: a small Go program that judges analysis conditions with
 * github.com/expr-lang/expr (the Rollouts controller's evaluator) and pause durations with
 * time.ParseDuration (the controller's parser). Built once by global-setup.ts.
 */
export const ROLLOUTS_EVAL_ENV = 'BOXOFFICE_ROLLOUTS_EVAL';
const source = path.resolve(__dirname, '../../rollouts-eval');

export function buildRolloutsEval(output: string): void {
  try {
    execFileSync('go', ['build', '-o', output, '.'], { cwd: source, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new Error('Go is required to judge analysis conditions with expr-lang/expr, the Argo Rollouts controller’s evaluator — install Go (Debian: apt-get install golang)');
    }
    throw new Error(`building test/manifests/rollouts-eval failed: ${e.stderr || e.message}`);
  }
}

interface Output {
  conditions: Evaluation[];
  durations: number[];
}

function run(input: { conditions: Array<{ condition: string; result: unknown }>; durations: unknown[] }): Output {
  const binary = process.env[ROLLOUTS_EVAL_ENV];
  if (!binary || !existsSync(binary)) throw new Error(`${ROLLOUTS_EVAL_ENV} is not set: run through jest -c test/manifests/jest.config.cjs (globalSetup builds it)`);
  const out = JSON.parse(execFileSync(binary, { input: JSON.stringify(input), encoding: 'utf8' })) as { conditions: Array<{ value?: boolean; error?: string }>; durations: number[] };
  return {
    conditions: out.conditions.map((a) => (a.error !== undefined ? { error: a.error } : { value: a.value ?? false })),
    durations: out.durations,
  };
}

/** Each condition evaluated on its result, as the controller would. */
export function evaluateConditions(requests: Array<{ condition: string; result: unknown }>): Evaluation[] {
  return run({ conditions: requests, durations: [] }).conditions;
}

/** Seconds of each pause duration as the controller reads it; -1 where it rejects the value. */
export function pauseDurationSeconds(durations: unknown[]): number[] {
  return run({ conditions: [], durations }).durations;
}
