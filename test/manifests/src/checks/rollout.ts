import type { K8sObject } from '../support/objects';

/** Seconds of each pause duration as the Rollouts controller reads them; negative = rejected. */
export type DurationReader = (durations: unknown[]) => number[];

/**
 * A canary's steps: every setWeight within 0..100, never going back, the last one 100 (a plan
 * that ends below 100 leaves the Rollout waiting for a promotion nobody scheduled), and every
 * timed pause a valid, non-zero duration. `pause: {}` waits for a person and is allowed.
 */
export function canaryStepProblems(rollout: K8sObject, durationSeconds: DurationReader): string[] {
  const canary = rollout.spec?.strategy?.canary;
  if (!canary) return [];
  const where = `Rollout ${rollout.metadata.name}`;
  const steps: K8sObject['spec'][] = canary.steps ?? [];
  const problems: string[] = [];
  if (steps.length === 0) return [`${where}: a canary without steps goes to 100 % at once`];
  const durations = steps.filter((s) => s.pause?.duration !== undefined).map((s) => s.pause.duration);
  const seconds = durationSeconds(durations);
  let pauseIndex = 0;
  let previous = 0;
  const weights: number[] = [];
  steps.forEach((step, i) => {
    if (step.setWeight !== undefined) {
      const w = step.setWeight;
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100) problems.push(`${where}: steps[${i}].setWeight ${JSON.stringify(w)} is not a whole percentage 0..100`);
      else if (w < previous) problems.push(`${where}: steps[${i}].setWeight ${w} goes back from ${previous}`);
      if (typeof w === 'number') {
        previous = Math.max(previous, w);
        weights.push(w);
      }
    }
    if (step.pause !== undefined) {
      const d = step.pause?.duration;
      if (d !== undefined) {
        const s = seconds[pauseIndex++];
        if (s < 0) problems.push(`${where}: steps[${i}].pause.duration ${JSON.stringify(d)} is not a duration (whole seconds, or a Go duration such as 90s or 5m)`);
        else if (s === 0) problems.push(`${where}: steps[${i}].pause.duration ${JSON.stringify(d)} pauses for nothing`);
      }
    }
  });
  if (weights.length === 0) problems.push(`${where}: no setWeight step: the canary never takes traffic`);
  else if (weights[weights.length - 1] !== 100) problems.push(`${where}: the last setWeight is ${weights[weights.length - 1]}, not 100`);
  return problems;
}
