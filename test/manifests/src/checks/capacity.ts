import { containers, type K8sObject } from '../support/objects';

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes resource quantity ("250m", "1", "512Mi", "1e3") as a number; undefined if malformed. */
export function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1] + (m[2] ?? '')) * SUFFIX[m[3] ?? ''];
}

/** Every container: each limit at least its request (the API server rejects less, after the sync). */
export function limitProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, container } of containers(objects)) {
    const where = `${owner.kind}/${owner.metadata.name}/${container.name}`;
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const resource of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
      const request = quantity(requests[resource]);
      const limit = quantity(limits[resource]);
      if (requests[resource] !== undefined && request === undefined) problems.push(`${where}: requests.${resource} ${JSON.stringify(requests[resource])} is not a quantity`);
      if (limits[resource] !== undefined && limit === undefined) problems.push(`${where}: limits.${resource} ${JSON.stringify(limits[resource])} is not a quantity`);
      if (request !== undefined && limit !== undefined && limit < request) problems.push(`${where}: limits.${resource} ${limits[resource]} is below requests.${resource} ${requests[resource]}`);
      if (request !== undefined && request <= 0) problems.push(`${where}: requests.${resource} ${requests[resource]} is not positive`);
    }
  }
  return problems;
}

const subsetOf = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** `IntOrString` scaled against a count, rounded up, as the disruption controller does. */
function scaled(value: number | string, total: number): number | undefined {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}

/**
 * The fewest replicas a workload runs with: KEDA's minReplicaCount when a ScaledObject owns
 * it (at least 1: at 0 there is nothing to evict), else spec.replicas (default 1).
 */
function minimumReplicas(objects: readonly K8sObject[], workload: K8sObject): number {
  const scaler = objects.find((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef?.name === workload.metadata.name && (o.spec.scaleTargetRef?.kind ?? 'Deployment') === workload.kind);
  if (scaler) return Math.max(1, scaler.spec.minReplicaCount ?? 0);
  return workload.spec.replicas ?? 1;
}

/**
 * Every PodDisruptionBudget lets a drain evict at least one pod at the workload's smallest
 * size, and selects a workload; otherwise node drains and cluster upgrades hang.
 */
export function disruptionBudgetProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const workloads = objects.filter((o) => ['Rollout', 'Deployment', 'StatefulSet'].includes(o.kind));
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const where = `PodDisruptionBudget ${pdb.metadata.name}`;
    const selected = workloads.filter((w) => subsetOf(pdb.spec.selector?.matchLabels, w.spec.template?.metadata?.labels));
    if (selected.length === 0) {
      problems.push(`${where}: selects no workload`);
      continue;
    }
    const { maxUnavailable, minAvailable } = pdb.spec;
    if ((maxUnavailable === undefined) === (minAvailable === undefined)) {
      problems.push(`${where}: needs exactly one of maxUnavailable and minAvailable`);
      continue;
    }
    for (const w of selected) {
      const replicas = minimumReplicas(objects, w);
      const allowed = maxUnavailable !== undefined ? scaled(maxUnavailable, replicas) : (() => {
        const min = scaled(minAvailable, replicas);
        return min === undefined ? undefined : replicas - min;
      })();
      if (allowed === undefined) problems.push(`${where}: ${JSON.stringify(maxUnavailable ?? minAvailable)} is neither a count nor a percentage`);
      else if (allowed < 1) problems.push(`${where}: allows no eviction of ${w.kind} ${w.metadata.name} at ${replicas} replica(s) (${maxUnavailable !== undefined ? `maxUnavailable ${maxUnavailable}` : `minAvailable ${minAvailable}`})`);
    }
  }
  return problems;
}

/** Trigger fields that are thresholds, by trigger type: positive, or a scaler divides by zero. */
const THRESHOLDS: Record<string, { positive: string[]; nonNegative: string[] }> = {
  kafka: { positive: ['lagThreshold'], nonNegative: ['activationLagThreshold'] },
  prometheus: { positive: ['threshold'], nonNegative: ['activationThreshold'] },
  cpu: { positive: ['value'], nonNegative: [] },
  memory: { positive: ['value'], nonNegative: [] },
};

/** ScaledObjects: thresholds > 0 (activation ≥ 0), 0 ≤ min ≤ max, max ≥ 1, fallback within range. */
export function scalerProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const so of objects.filter((o) => o.kind === 'ScaledObject')) {
    const where = `ScaledObject ${so.metadata.name}`;
    const min = so.spec.minReplicaCount ?? 0;
    const max = so.spec.maxReplicaCount ?? 100;
    if (!(Number.isInteger(min) && min >= 0)) problems.push(`${where}: minReplicaCount ${min} is not a count`);
    if (!(Number.isInteger(max) && max >= 1)) problems.push(`${where}: maxReplicaCount ${max} never runs a pod`);
    if (min > max) problems.push(`${where}: minReplicaCount ${min} exceeds maxReplicaCount ${max}`);
    const fallback = so.spec.fallback?.replicas;
    if (fallback !== undefined && (fallback < Math.max(min, 1) || fallback > max)) problems.push(`${where}: fallback.replicas ${fallback} is outside ${min}..${max}`);
    if ((so.spec.triggers ?? []).length === 0) problems.push(`${where}: has no trigger`);
    for (const tr of so.spec.triggers ?? []) {
      const rules = THRESHOLDS[tr.type];
      const at = `${where} trigger ${tr.name ?? tr.type}`;
      if (!rules) {
        problems.push(`${at}: no threshold rule for trigger type ${tr.type} (add it to checks/capacity.ts)`);
        continue;
      }
      for (const field of rules.positive) {
        const v = Number(tr.metadata?.[field]);
        if (!(v > 0)) problems.push(`${at}: ${field} ${JSON.stringify(tr.metadata?.[field])} must be a number > 0`);
      }
      for (const field of rules.nonNegative) {
        if (tr.metadata?.[field] === undefined) continue;
        const v = Number(tr.metadata[field]);
        if (!(v >= 0)) problems.push(`${at}: ${field} ${JSON.stringify(tr.metadata[field])} must be a number ≥ 0`);
      }
    }
  }
  return problems;
}
