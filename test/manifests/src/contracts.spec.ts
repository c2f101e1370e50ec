import { contracts, topicSpecs } from '@boxoffice/contracts';
import { RESOURCE_LABELS, SERIES, SERIES_LABELS } from '@boxoffice/telemetry';
import { appTargets, target, targets } from './support/cache';
import { named, ofKind, type K8sObject } from './support/objects';
import { notifyConsumedTopics, notifyConsumerGroupDefault } from './support/notify';
import { readRepoFile } from './support/repo';

/**
 * The metric contract the services expose, imported from libs/telemetry (its own tests scrape a
 * real /metrics endpoint for these names and labels), plus the labels Prometheus adds when it
 * scrapes (k8s/platform/prometheus/pod-monitor.yaml).
 */
const METRICS: Record<string, readonly string[]> = Object.fromEntries(
  Object.values(SERIES).map((name) => [name, [...SERIES_LABELS[name], ...RESOURCE_LABELS]]),
);
const SCRAPE_LABELS = ['namespace', 'pod', 'rollouts_pod_template_hash', 'app_kubernetes_io_name', 'le'];
const PROMQL_WORDS = new Set(['sum', 'rate', 'irate', 'by', 'without', 'or', 'and', 'unless', 'vector', 'histogram_quantile', 'le', 'increase', 'avg', 'max', 'min', 'count', 'on', 'ignoring']);

function queriesOf(objects: readonly K8sObject[]): Array<{ where: string; query: string }> {
  const fromTemplates = ofKind(objects, 'AnalysisTemplate').flatMap((t) =>
    t.spec.metrics.filter((m: K8sObject['spec']) => m.provider.prometheus).map((m: K8sObject['spec']) => ({ where: `AnalysisTemplate ${t.metadata.name}`, query: m.provider.prometheus.query })),
  );
  const fromScalers = ofKind(objects, 'ScaledObject').flatMap((s) =>
    s.spec.triggers.filter((tr: { type: string }) => tr.type === 'prometheus').map((tr: K8sObject['spec']) => ({ where: `ScaledObject ${s.metadata.name}`, query: tr.metadata.query })),
  );
  return [...fromTemplates, ...fromScalers];
}

describe('Kafka topics (Strimzi) follow the contract catalog', () => {
  it.each(targets('platform').filter((t) => t.id.startsWith('k8s/platform/envs/')).map((t) => [t.id, t] as const))('%s', (_id, t) => {
    const kafka = ofKind(t.objects, 'Kafka');
    expect(kafka).toHaveLength(1);
    const topicsHere = ofKind(t.objects, 'KafkaTopic');
    for (const spec of topicSpecs) {
      const kt = topicsHere.find((k) => (k.spec.topicName ?? k.metadata.name) === spec.topic);
      expect(kt ? spec.topic : `missing KafkaTopic ${spec.topic}`).toBe(spec.topic);
      expect(kt!.metadata.labels?.['strimzi.io/cluster']).toBe(kafka[0].metadata.name);
      // Never fewer partitions than the catalog (the local stack) uses.
      expect(kt!.spec.partitions).toBeGreaterThanOrEqual(spec.partitions);
      const pools = ofKind(t.objects, 'KafkaNodePool').filter((p) => p.spec.roles.includes('broker'));
      const brokers = pools.reduce((n, p) => n + p.spec.replicas, 0);
      expect(kt!.spec.replicas).toBeLessThanOrEqual(brokers);
      expect(Number(kt!.spec.config['min.insync.replicas'])).toBeLessThanOrEqual(kt!.spec.replicas);
    }
    expect(topicsHere).toHaveLength(topicSpecs.length);
  });
});

describe('KEDA scales notify on exactly notify’s consumer group and topics', () => {
  const group = notifyConsumerGroupDefault();
  const consumed = notifyConsumedTopics();
  const partitions = Object.fromEntries(
    ofKind(target('k8s/platform/envs/prod').objects, 'KafkaTopic').map((k) => [k.spec.topicName, k.spec.partitions as number]),
  );

  it('reads the configuration the way the services do', () => {
    expect(group).toBe('notify');
    expect(consumed.length).toBeGreaterThan(0);
    for (const topic of consumed) expect(Object.keys(contracts)).toContain(topic);
  });

  it.each(appTargets().filter((t) => ofKind(t.objects, 'ScaledObject').length).map((t) => [t.id, t] as const))('%s', (_id, t) => {
    const so = named(t.objects, 'ScaledObject', 'notify')!;
    const config = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('notify-config'))!;
    const env = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('boxoffice-env'))!;
    const ns = t.objects.find((o) => o.kind === 'Namespace')!.metadata.name;
    expect(config.data.KAFKA_CONSUMER_GROUP).toBe(group);

    const kafka = so.spec.triggers.filter((tr: { type: string }) => tr.type === 'kafka');
    expect(kafka.map((tr: K8sObject['spec']) => tr.metadata.topic).sort()).toEqual(consumed);
    const [brokerHost, brokerPort] = env.data.KAFKA_BROKERS.split(',')[0].split(':');
    for (const tr of kafka) {
      expect(tr.metadata.consumerGroup).toBe(group);
      // Same brokers as the app, fully qualified: KEDA's operator runs in another namespace.
      // The local overlay's operator runs on this machine and reaches the local stack on loopback.
      const expected = t.id === 'kustomize/overlays/local' ? '127.0.0.1:9092' : `${brokerHost}.${ns}.svc.cluster.local:${brokerPort}`;
      expect(tr.metadata.bootstrapServers).toBe(expected);
      expect(Number(tr.metadata.lagThreshold)).toBeGreaterThan(0);
      expect(tr.metadata.allowIdleConsumers).toBe('false');
      // More consumers than partitions would idle: the ceiling is the partition count.
      expect(so.spec.maxReplicaCount).toBeLessThanOrEqual(partitions[tr.metadata.topic]);
    }
  });

  it('scales notify to zero outside prod only; checkout never', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const t = target(`kustomize/overlays/${env}`);
      expect(named(t.objects, 'ScaledObject', 'notify')!.spec.minReplicaCount === 0).toBe(env !== 'prod');
      expect(named(t.objects, 'ScaledObject', 'checkout')!.spec.minReplicaCount).toBeGreaterThan(0);
    }
  });
});

describe('canary analysis and scalers query the metric contract', () => {
  const queries = appTargets().flatMap((t) => queriesOf(t.objects).map((q) => ({ ...q, where: `${t.id}: ${q.where}`, ns: t.objects.find((o) => o.kind === 'Namespace')!.metadata.name })));

  it('finds the queries and the contract', () => {
    expect(queries.length).toBeGreaterThan(10);
    expect(Object.keys(METRICS).length).toBeGreaterThanOrEqual(6);
  });

  it('names only contract metrics and labels, and filters by namespace', () => {
    for (const { where, query: raw, ns } of queries) {
      // {{args.x}} → @x@ so that selectors parse as plain PromQL.
      const query = raw.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, '@$1@');
      const metrics = [...query.matchAll(/([a-z_][a-z0-9_]*)\s*\{/g)].map((m) => m[1]).filter((w) => !PROMQL_WORDS.has(w));
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) {
        const base = metric.replace(/_(bucket|count|sum)$/, '');
        expect(METRICS[base] ? metric : `${where}: ${metric} is not in the metric contract`).toBe(metric);
      }
      for (const selector of query.matchAll(/\{([^}]*)\}/g)) {
        for (const [, label] of selector[1].matchAll(/([a-z_][a-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
          const known = metrics.some((m) => METRICS[m.replace(/_(bucket|count|sum)$/, '')]?.includes(label)) || SCRAPE_LABELS.includes(label);
          expect(known ? label : `${where}: unknown label ${label}`).toBe(label);
        }
        // One environment's series only (the namespace is filled in from the Namespace object or an arg).
        expect(selector[1]).toMatch(new RegExp(`namespace="(${ns}|@namespace@)"`));
      }
    }
  });

  it('are documented with the contract in docs/kubernetes.md', () => {
    const doc = readRepoFile('docs/kubernetes.md');
    for (const [metric, labels] of Object.entries(METRICS)) {
      expect(doc).toContain(metric);
      for (const label of labels) expect(doc).toContain(label);
    }
    expect(doc).toContain('rollouts_pod_template_hash');
  });
});
