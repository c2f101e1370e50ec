import type { K8sObject } from '../support/objects';

export type Phase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One evaluation of a condition: its value, or the evaluator's error. */
export type Evaluation = { value: boolean } | { error: string };

/** Evaluates conditions against results with the Rollouts controller's expression language. */
export type ConditionEvaluator = (requests: Array<{ condition: string; result: unknown }>) => Evaluation[];

/**
 * The phase of one measurement, as the Rollouts controller decides it
 * (utils/evaluate.EvaluateResult): a failure wins, neither condition true is Inconclusive,
 * a missing condition is the negation of the other.
 */
export function measurementPhase(metric: { successCondition?: string; failureCondition?: string }, success: Evaluation | undefined, failure: Evaluation | undefined): Phase {
  if ((success && 'error' in success) || (failure && 'error' in failure)) return 'Error';
  let s = success ? (success as { value: boolean }).value : false;
  let f = failure ? (failure as { value: boolean }).value : false;
  if (!metric.successCondition && !metric.failureCondition) return 'Successful';
  if (metric.successCondition && !metric.failureCondition) f = !s;
  if (!metric.successCondition && metric.failureCondition) s = !f;
  if (f) return 'Failed';
  if (!s) return 'Inconclusive';
  return 'Successful';
}

/** Sample query results of one metric: what a healthy and a broken canary would return. */
export interface MetricSamples {
  healthy: unknown;
  broken: unknown;
  /** The canary served nothing: never a success (the Rollout must not promote blind). */
  empty: unknown;
  /** More results to sweep: success and failure must never both hold on any of them. */
  sweep: unknown[];
}

export interface AnalysisVerdict {
  where: string;
  sample: string;
  result: unknown;
  phase: Phase;
  success?: Evaluation;
  failure?: Evaluation;
}

/**
 * Evaluates every metric's success and failure condition on its samples: healthy must be
 * Successful, broken Failed, empty not Successful, and no sample may make both conditions true.
 */
export function analysisProblems(templates: readonly K8sObject[], samples: Record<string, MetricSamples>, evaluate: ConditionEvaluator): string[] {
  const problems: string[] = [];
  type Job = { where: string; metric: K8sObject['spec']; sample: string; result: unknown };
  const jobs: Job[] = [];
  for (const t of templates) {
    for (const metric of t.spec.metrics ?? []) {
      const where = `AnalysisTemplate ${t.metadata.name} metric ${metric.name}`;
      const s = samples[metric.name];
      if (!s) {
        problems.push(`${where}: no sample results to judge its conditions by (add them to the analysis samples)`);
        continue;
      }
      if (!metric.successCondition && !metric.failureCondition) problems.push(`${where}: no success or failure condition: every measurement succeeds`);
      jobs.push({ where, metric, sample: 'healthy', result: s.healthy }, { where, metric, sample: 'broken', result: s.broken }, { where, metric, sample: 'empty', result: s.empty });
      s.sweep.forEach((result, i) => jobs.push({ where, metric, sample: `sweep[${i}]`, result }));
    }
  }
  const requests = jobs.flatMap((j) => [
    { condition: j.metric.successCondition ?? 'true', result: j.result },
    { condition: j.metric.failureCondition ?? 'true', result: j.result },
  ]);
  const answers = requests.length ? evaluate(requests) : [];
  jobs.forEach((job, i) => {
    const success = job.metric.successCondition ? answers[2 * i] : undefined;
    const failure = job.metric.failureCondition ? answers[2 * i + 1] : undefined;
    const phase = measurementPhase(job.metric, success, failure);
    const at = `${job.where} on the ${job.sample} sample ${JSON.stringify(job.result)}`;
    for (const [name, e] of [['successCondition', success], ['failureCondition', failure]] as const) {
      if (e && 'error' in e) problems.push(`${at}: ${name} does not evaluate: ${e.error.split('\n')[0]}`);
    }
    if (phase === 'Error') return;
    const both = success && failure && 'value' in success && 'value' in failure && success.value && failure.value;
    if (both) problems.push(`${at}: success and failure conditions are both true`);
    if (job.sample === 'healthy' && phase !== 'Successful') problems.push(`${at}: ${phase}, expected Successful`);
    if (job.sample === 'broken' && phase !== 'Failed') problems.push(`${at}: ${phase}, expected Failed`);
    if (job.sample === 'empty' && phase === 'Successful') problems.push(`${at}: Successful without any traffic`);
  });
  return problems;
}

/** Prometheus addresses the canary analysis and KEDA query. */
export function prometheusAddresses(objects: readonly K8sObject[]): Array<{ where: string; address: string }> {
  const out: Array<{ where: string; address: string }> = [];
  for (const o of objects) {
    if (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') {
      for (const m of o.spec.metrics ?? []) {
        if (m.provider?.prometheus) out.push({ where: `${o.kind} ${o.metadata.name} metric ${m.name}`, address: m.provider.prometheus.address });
      }
    }
    if (o.kind === 'ScaledObject') {
      for (const tr of o.spec.triggers ?? []) {
        if (tr.type === 'prometheus') out.push({ where: `ScaledObject ${o.metadata.name} trigger ${tr.name ?? tr.type}`, address: tr.metadata?.serverAddress });
      }
    }
  }
  return out;
}

/** Every Prometheus address must be the one the platform runs. */
export function prometheusAddressProblems(objects: readonly K8sObject[], expected: string): string[] {
  return prometheusAddresses(objects)
    .filter((a) => a.address !== expected)
    .map((a) => `${a.where}: queries ${a.address}, but the platform's Prometheus is ${expected}`);
}
