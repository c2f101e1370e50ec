import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The parameters of notify's ScaledObject that decide its replica count. */
export interface KafkaScaling {
  pollingIntervalSeconds: number;
  cooldownPeriodSeconds: number;
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: Array<{ topic: string; consumerGroup: string; lagThreshold: number; activationLagThreshold: number }>;
}

interface ScaledObjectYaml {
  kind?: string;
  spec?: {
    pollingInterval?: number;
    cooldownPeriod?: number;
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers?: Array<{ type?: string; metadata?: Record<string, string> }>;
  };
}

/** Reads a ScaledObject with kafka triggers; KEDA's own defaults apply where a field is absent. */
export function readKafkaScaling(file: string): KafkaScaling {
  const doc = parse(readFileSync(file, 'utf8')) as ScaledObjectYaml;
  if (doc?.kind !== 'ScaledObject' || !doc.spec) throw new Error(`${file} is not a ScaledObject`);
  const triggers = (doc.spec.triggers ?? [])
    .filter((t) => t.type === 'kafka')
    .map((t) => {
      const m = t.metadata ?? {};
      if (!m.topic || !m.consumerGroup) throw new Error(`${file}: every kafka trigger needs topic and consumerGroup`);
      return { topic: m.topic, consumerGroup: m.consumerGroup, lagThreshold: Number(m.lagThreshold ?? 5), activationLagThreshold: Number(m.activationLagThreshold ?? 0) };
    });
  if (triggers.length === 0) throw new Error(`${file} has no kafka trigger`);
  return {
    pollingIntervalSeconds: doc.spec.pollingInterval ?? 30,
    cooldownPeriodSeconds: doc.spec.cooldownPeriod ?? 300,
    minReplicaCount: doc.spec.minReplicaCount ?? 0,
    maxReplicaCount: doc.spec.maxReplicaCount ?? 100,
    triggers,
  };
}

export interface TopicLag {
  topic: string;
  lag: number;
  partitions: number;
}

export interface KedaState {
  /** Replicas KEDA last asked for. */
  replicas: number;
  /** When any trigger was last active (seconds on the drill's clock); undefined: never. */
  lastActiveAt?: number;
}

export interface KedaDecision {
  replicas: number;
  active: boolean;
  reason: string;
}

/**
 * What KEDA (and the HPA it drives) would set, per the ScaledObject's rules: per trigger
 * ceil(lag / lagThreshold) capped at the topic's partitions (allowIdleConsumers: false); the
 * largest trigger wins; then clamped to min..max. Below every activation threshold the object is
 * inactive: it goes to minReplicaCount (0 here), but only after cooldownPeriod without activity.
 * Not modelled: the HPA's scale-up/down rate policies and stabilization windows.
 */
export function decideReplicas(scaling: KafkaScaling, lags: readonly TopicLag[], state: KedaState, nowSeconds: number): KedaDecision {
  const perTrigger = scaling.triggers.map((t) => {
    const observed = lags.find((l) => l.topic === t.topic) ?? { topic: t.topic, lag: 0, partitions: 1 };
    return { ...t, ...observed, wanted: Math.min(Math.ceil(observed.lag / t.lagThreshold), observed.partitions) };
  });
  const active = perTrigger.some((t) => t.lag > t.activationLagThreshold);
  if (!active) {
    const floor = scaling.minReplicaCount;
    if (state.replicas > floor && state.lastActiveAt !== undefined && nowSeconds - state.lastActiveAt < scaling.cooldownPeriodSeconds) {
      // Inactive, but within the cooldown: the HPA keeps (at least) one replica.
      return { replicas: Math.max(1, floor), active, reason: `inactive, cooldown until ${state.lastActiveAt + scaling.cooldownPeriodSeconds} s` };
    }
    return { replicas: floor, active, reason: 'inactive: no lag above the activation threshold' };
  }
  const top = perTrigger.reduce((a, b) => (b.wanted > a.wanted ? b : a));
  const replicas = Math.min(scaling.maxReplicaCount, Math.max(top.wanted, scaling.minReplicaCount, 1));
  return { replicas, active, reason: `${top.topic}: ceil(${top.lag} / ${top.lagThreshold}) capped at ${top.partitions} partitions → ${top.wanted}, clamped to ${Math.max(1, scaling.minReplicaCount)}..${scaling.maxReplicaCount}` };
}
