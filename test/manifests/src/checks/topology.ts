import { named, type K8sObject } from '../support/objects';
import type { HelmRelease } from './bootstrap-script';
import { workloadsOf, namespaceOf, meshEnabled, type Call, type Caller, type Endpoint, type Workload } from './mesh';
import { selectorMatches, type Destination, type Peer } from './network';

/** What the platform runs next to the app, as the repository declares it. */
export interface PlatformFacts {
  /** The rendered k8s/platform/envs/<env> objects (PostgreSQL, Kafka, topics). */
  platform: readonly K8sObject[];
  /** Helm releases of k8s/bootstrap/bootstrap.sh (`${ns}` = the environment's namespace). */
  releases: readonly HelmRelease[];
  /** Flipt's pod annotations from k8s/platform/flipt/values.yaml. */
  fliptPodAnnotations: Record<string, string>;
  /** The PodMonitor(s) of k8s/platform/prometheus. */
  podMonitors: readonly K8sObject[];
}

/**
 * Labels of pods that charts and operators create, by their own conventions (not in this
 * repository's manifests): Strimzi's broker pods, the Flipt chart's pods, and the Prometheus
 * pods of kube-prometheus-stack.
 */
const strimziBrokerLabels = (cluster: string) => ({ 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' });
const fliptLabels = (release: string) => ({ 'app.kubernetes.io/name': 'flipt', 'app.kubernetes.io/instance': release });
const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' };
/** The Flipt chart's Service: named after the release, HTTP on 8080. */
const FLIPT_HTTP_PORT = 8080;

/** Config keys whose values are addresses a service connects to. */
export function isAddressKey(key: string): boolean {
  return /_URL$|_BROKERS$/.test(key) && !/^JWT_/.test(key);
}

/** host:port pairs of an address value (a URL or a host:port list). */
export function addressesOf(value: unknown): Array<{ host: string; port: number }> {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => {
    if (typeof v !== 'string') return [];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
      const url = new URL(v);
      const defaults: Record<string, number> = { 'http:': 80, 'https:': 443, 'postgres:': 5432, 'postgresql:': 5432 };
      return [{ host: url.hostname, port: url.port ? Number(url.port) : (defaults[url.protocol] ?? 0) }];
    }
    const m = /^([^\s:]+):(\d+)$/.exec(v);
    return m ? [{ host: m[1], port: Number(m[2]) }] : [];
  });
}

export class Topology {
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly workloads: Workload[];
  readonly mesh: boolean;

  constructor(
    readonly objects: readonly K8sObject[],
    readonly facts: PlatformFacts,
  ) {
    ({ namespace: this.namespace, labels: this.namespaceLabels } = namespaceOf(objects));
    this.workloads = workloadsOf(objects);
    this.mesh = meshEnabled(objects);
  }

  private release(chart: string): HelmRelease | undefined {
    return this.facts.releases.find((r) => r.chart === chart);
  }

  private peer(name: string, labels: Record<string, string>, namespace = this.namespace): Peer {
    return { name, namespace, labels, namespaceLabels: namespace === this.namespace ? this.namespaceLabels : { 'kubernetes.io/metadata.name': namespace } };
  }

  /** Platform pods in the namespace that policies may name (for flows the policies open). */
  platformPeers(): Array<Peer & { ports: Destination[] }> {
    const out: Array<Peer & { ports: Destination[] }> = [];
    for (const svc of this.facts.platform.filter((o) => o.kind === 'Service')) {
      const e = this.endpoint(svc.metadata.name, svc.spec.ports?.[0]?.port);
      if (e) out.push({ ...e.destination, ports: [e.destination] });
    }
    for (const kafka of this.facts.platform.filter((o) => o.kind === 'Kafka')) {
      const e = this.endpoint(`${kafka.metadata.name}-kafka-bootstrap`, kafka.spec.kafka.listeners[0].port);
      if (e) out.push({ ...e.destination, ports: kafka.spec.kafka.listeners.map((l: { port: number }) => ({ ...e.destination, port: l.port })) });
    }
    const flipt = this.release('flipt/flipt');
    if (flipt) {
      const e = this.endpoint(flipt.release, FLIPT_HTTP_PORT);
      if (e) out.push({ ...e.destination, ports: [e.destination] });
    }
    return out;
  }

  /** The pods behind `host:port` as seen from this namespace, or undefined when nothing is there. */
  endpoint(host: string, port: number): Endpoint | undefined {
    const short = host.replace(new RegExp(`\\.${this.namespace}(\\.svc(\\.cluster\\.local)?)?$`), '');
    if (short.includes('.')) return undefined;
    const address = `${short}:${port}`;
    // One of our Services.
    const svc = named(this.objects, 'Service', short);
    if (svc) {
      const sp = (svc.spec.ports ?? []).find((p: { port: number }) => p.port === port);
      const w = this.workloads.find((x) => selectorMatches({ matchLabels: svc.spec.selector }, x.labels));
      if (!sp || !w) return undefined;
      const target = sp.targetPort ?? sp.port;
      const dest = w.ports.find((p) => p.portName === target || p.port === target);
      if (!dest) return undefined;
      return { address, destination: { ...dest, name: w.name }, workload: w, policies: this.objects.filter((o) => o.kind === 'NetworkPolicy'), sidecar: w.sidecar };
    }
    // A platform Service (PostgreSQL), guarded by the platform's policies.
    const psvc = named(this.facts.platform, 'Service', short);
    if (psvc) {
      const sp = (psvc.spec.ports ?? []).find((p: { port: number }) => p.port === port);
      const owner = this.facts.platform.find((o) => o.spec?.template?.metadata?.labels && selectorMatches({ matchLabels: psvc.spec.selector }, o.spec.template.metadata.labels));
      if (!sp || !owner) return undefined;
      const container = (owner.spec.template.spec.containers ?? []).flatMap((c: K8sObject['spec']) => c.ports ?? []).find((p: { name?: string; containerPort: number }) => p.name === sp.targetPort || p.containerPort === (sp.targetPort ?? sp.port));
      if (!container) return undefined;
      const policies = this.facts.platform.filter((o) => o.kind === 'NetworkPolicy').map((np) => ({ ...np, metadata: { ...np.metadata, namespace: this.namespace } }));
      return { address, destination: { ...this.peer(short, owner.spec.template.metadata.labels), port: container.containerPort, portName: container.name }, policies, sidecar: false };
    }
    // Strimzi's bootstrap Service `<cluster>-kafka-bootstrap`: the brokers, guarded by the
    // NetworkPolicy Strimzi generates from the listener's networkPolicyPeers.
    const kafka = this.facts.platform.find((o) => o.kind === 'Kafka' && `${o.metadata.name}-kafka-bootstrap` === short);
    if (kafka) {
      const listener = kafka.spec.kafka.listeners.find((l: { port: number }) => l.port === port);
      if (!listener) return undefined;
      const labels = strimziBrokerLabels(kafka.metadata.name);
      const policies = listener.networkPolicyPeers
        ? [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `${kafka.metadata.name}-network-policy-kafka`, namespace: this.namespace }, spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ from: listener.networkPolicyPeers, ports: [{ port }] }] } }]
        : [];
      const inject = kafka.spec.kafka.template?.pod?.metadata?.annotations?.['sidecar.istio.io/inject'];
      return { address, destination: { ...this.peer(`${kafka.metadata.name}-kafka`, labels), port }, policies, sidecar: this.mesh && inject !== 'false' };
    }
    // Flipt, a Helm release in the namespace; its chart adds no NetworkPolicy.
    const flipt = this.release('flipt/flipt');
    if (flipt && flipt.release === short && port === FLIPT_HTTP_PORT) {
      return { address, destination: { ...this.peer(short, fliptLabels(flipt.release)), port }, policies: [], sidecar: this.mesh && this.facts.fliptPodAnnotations['sidecar.istio.io/inject'] !== 'false' };
    }
    return undefined;
  }

  /**
   * The declared call graph: every address a service's parsed configuration names, the database
   * URL of each migration Job, the JWKS fetch of every sidecar a RequestAuthentication covers,
   * the ingress gateway to every Service a gateway VirtualService routes to, and Prometheus to
   * every port the PodMonitor scrapes.
   */
  calls(configs: ReadonlyMap<string, Record<string, unknown>>, jobEnvs: ReadonlyMap<string, Record<string, string>>): { calls: Call[]; problems: string[] } {
    const calls: Call[] = [];
    const problems: string[] = [];
    const add = (from: Caller, host: string, port: number, why: string) => {
      if (/^(localhost|127\.|\[?::1)/.test(host)) return; // reported by the config check
      const to = this.endpoint(host, port);
      if (!to) problems.push(`${from.name} → ${host}:${port} (${why}): nothing in the environment answers there`);
      else calls.push({ from, to, why });
    };
    for (const w of this.workloads) {
      const config = configs.get(w.name);
      for (const [key, value] of Object.entries(config ?? {}).filter(([k]) => isAddressKey(k))) for (const a of addressesOf(value)) add(w, a.host, a.port, key);
      const env = jobEnvs.get(w.name);
      for (const [key, value] of Object.entries(env ?? {}).filter(([k]) => /^DATABASE_URL/.test(k))) for (const a of addressesOf(value)) add(w, a.host, a.port, key);
    }
    if (this.mesh) {
      for (const ra of this.objects.filter((o) => o.kind === 'RequestAuthentication')) {
        for (const rule of ra.spec.jwtRules ?? []) {
          if (!rule.jwksUri) continue;
          const [a] = addressesOf(rule.jwksUri);
          for (const w of this.workloads.filter((x) => x.sidecar && (!ra.spec.selector || selectorMatches(ra.spec.selector, x.labels)))) add(w, a.host, a.port, `sidecar fetches the JWKS of RequestAuthentication ${ra.metadata.name}`);
        }
      }
      const gatewayRelease = this.release('istio/gateway');
      for (const gw of this.objects.filter((o) => o.kind === 'Gateway')) {
        if (!gatewayRelease) {
          problems.push(`Gateway ${gw.metadata.name}: no istio/gateway release in k8s/bootstrap/bootstrap.sh`);
          continue;
        }
        const gateway: Caller = { ...this.peer('the ingress gateway', gw.spec.selector ?? {}, gatewayRelease.namespace), serviceAccount: gatewayRelease.release, sidecar: true, excludedOutbound: new Set(), outside: true };
        for (const vs of this.objects.filter((o) => o.kind === 'VirtualService' && (o.spec.gateways ?? []).includes(gw.metadata.name))) {
          for (const http of vs.spec.http ?? []) for (const r of http.route ?? []) add(gateway, r.destination.host, r.destination.port?.number ?? named(this.objects, 'Service', r.destination.host)?.spec.ports[0].port, `VirtualService ${vs.metadata.name}`);
        }
      }
    }
    const prometheus = this.release('prometheus-community/kube-prometheus-stack');
    for (const pm of this.facts.podMonitors) {
      if (!prometheus) {
        problems.push(`PodMonitor ${pm.metadata.name}: no kube-prometheus-stack release in k8s/bootstrap/bootstrap.sh`);
        continue;
      }
      const scraper: Caller = { ...this.peer('Prometheus', PROMETHEUS_POD_LABELS, prometheus.namespace), serviceAccount: 'prometheus', sidecar: false, excludedOutbound: new Set(), outside: true };
      for (const w of this.workloads.filter((x) => selectorMatches(pm.spec.selector, x.labels))) {
        for (const ep of pm.spec.podMetricsEndpoints ?? []) {
          const dest = w.ports.find((p) => p.portName === ep.port);
          if (!dest) problems.push(`PodMonitor ${pm.metadata.name} scrapes port ${ep.port} of ${w.name}, which has no such port`);
          else calls.push({ from: scraper, to: { address: `${w.name}:${ep.port}`, destination: { ...dest, name: w.name }, workload: w, policies: this.objects.filter((o) => o.kind === 'NetworkPolicy'), sidecar: w.sidecar }, why: `PodMonitor ${pm.metadata.name}` });
        }
      }
    }
    return { calls, problems };
  }
}
