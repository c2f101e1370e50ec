import { podTemplates, type K8sObject } from '../support/objects';
import { egressAllowed, ingressAllowed, openedFlows, selectorMatches, type Destination, type Peer } from './network';

/** A pod template of the environment, as a NetworkPolicy and Istio see it. */
export interface Workload extends Peer {
  object: K8sObject;
  serviceAccount: string;
  sidecar: boolean;
  excludedInbound: Set<number>;
  excludedOutbound: Set<number>;
  ports: Destination[];
}

/** Something a workload calls: pods behind an address, and what guards their door. */
export interface Endpoint {
  /** `login:8080`, `postgres:5432`… */
  address: string;
  destination: Destination;
  /** The Box Office workload behind it, when it is one of ours. */
  workload?: Workload;
  /** NetworkPolicies guarding the destination pods (ours, the platform's, or the operator's). */
  policies: K8sObject[];
  sidecar: boolean;
}

/** Who calls: one of our workloads, or a platform component outside the namespace. */
export interface Caller extends Peer {
  serviceAccount: string;
  sidecar: boolean;
  excludedOutbound: Set<number>;
  /** A platform component: its own egress is not ours to check. */
  outside?: boolean;
}

export interface Call {
  from: Caller;
  to: Endpoint;
  why: string;
}

const ports = (annotation: string | undefined) => new Set((annotation ?? '').split(',').map((p) => Number(p.trim())).filter((p) => p > 0));

export function meshEnabled(objects: readonly K8sObject[]): boolean {
  return objects.some((o) => o.kind === 'Namespace' && o.metadata.labels?.['istio-injection'] === 'enabled');
}

export function namespaceOf(objects: readonly K8sObject[]): { namespace: string; labels: Record<string, string> } {
  const ns = objects.find((o) => o.kind === 'Namespace');
  if (!ns) throw new Error('the target has no Namespace object');
  return { namespace: ns.metadata.name, labels: { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name } };
}

export function workloadsOf(objects: readonly K8sObject[]): Workload[] {
  const { namespace, labels: namespaceLabels } = namespaceOf(objects);
  const mesh = meshEnabled(objects);
  return podTemplates(objects).map(({ owner, spec }) => {
    const annotations = owner.spec.template.metadata?.annotations ?? {};
    const labels = owner.spec.template.metadata?.labels ?? {};
    const sidecar = mesh && annotations['sidecar.istio.io/inject'] !== 'false' && labels['sidecar.istio.io/inject'] !== 'false';
    const w: Workload = {
      name: `${owner.kind}/${owner.metadata.name}`,
      object: owner,
      namespace,
      labels,
      namespaceLabels,
      serviceAccount: spec.serviceAccountName ?? 'default',
      sidecar,
      excludedInbound: ports(annotations['traffic.sidecar.istio.io/excludeInboundPorts']),
      excludedOutbound: ports(annotations['traffic.sidecar.istio.io/excludeOutboundPorts']),
      ports: [],
    };
    w.ports = (spec.containers ?? []).flatMap((c: K8sObject['spec']) => (c.ports ?? []).map((p: { name?: string; containerPort: number }) => ({ ...w, port: p.containerPort, portName: p.name })));
    return w;
  });
}

export function principalOf(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** The ALLOW AuthorizationPolicies that apply to a workload (namespace-wide ones included). */
function allowPolicies(objects: readonly K8sObject[], w: Workload): K8sObject[] {
  return objects.filter((o) => o.kind === 'AuthorizationPolicy' && (o.spec?.action ?? 'ALLOW') === 'ALLOW' && (!o.spec?.selector || selectorMatches(o.spec.selector, w.labels)));
}

/** Does some ALLOW rule admit `principal` on `port` (Istio: with ALLOW policies present, nothing else gets in)? */
function authorized(policies: K8sObject[], principal: string | undefined, port: number): boolean {
  return policies.some((p) =>
    (p.spec?.rules ?? []).some((rule: K8sObject['spec']) => {
      const fromOk = !rule.from || rule.from.some((f: K8sObject['spec']) => principal !== undefined && (f.source?.principals ?? ['*']).some((pr: string) => pr === '*' || pr === principal));
      const toOk = !rule.to || rule.to.some((t: K8sObject['spec']) => !t.operation?.ports || t.operation.ports.map(String).includes(String(port)));
      return fromOk && toOk;
    }),
  );
}

/**
 * The security objects the istio component promises, wherever the mesh is on: STRICT mutual TLS
 * for the namespace (and nothing weakening it), `allow-nothing`, exactly one ALLOW policy per
 * workload with a sidecar, each rule naming its callers, and a RequestAuthentication covering
 * every such workload.
 */
export function meshSecurityProblems(objects: readonly K8sObject[]): string[] {
  if (!meshEnabled(objects)) return [];
  const problems: string[] = [];
  const peer = objects.filter((o) => o.kind === 'PeerAuthentication');
  if (!peer.some((p) => !p.spec?.selector && p.spec?.mtls?.mode === 'STRICT')) problems.push('no namespace-wide PeerAuthentication with mtls.mode STRICT');
  for (const p of peer) {
    if (p.spec?.mtls?.mode && p.spec.mtls.mode !== 'STRICT') problems.push(`PeerAuthentication ${p.metadata.name}: mtls.mode ${p.spec.mtls.mode} weakens STRICT`);
    for (const [port, m] of Object.entries(p.spec?.portLevelMtls ?? {})) if ((m as { mode?: string }).mode !== 'STRICT') problems.push(`PeerAuthentication ${p.metadata.name}: port ${port} is not STRICT`);
  }
  const authz = objects.filter((o) => o.kind === 'AuthorizationPolicy');
  if (!authz.some((a) => !a.spec?.selector && (a.spec?.action ?? 'ALLOW') === 'ALLOW' && !(a.spec?.rules ?? []).length)) problems.push('no allow-nothing AuthorizationPolicy (namespace-wide, ALLOW, no rules)');
  for (const a of authz) {
    if ((a.spec?.rules ?? []).some((r: K8sObject['spec']) => !r.from || r.from.some((f: K8sObject['spec']) => !f.source?.principals?.length))) problems.push(`AuthorizationPolicy ${a.metadata.name}: a rule admits callers without naming their principals`);
  }
  const meshed = workloadsOf(objects).filter((w) => w.sidecar && w.object.kind === 'Rollout');
  if (meshed.length === 0) problems.push('the mesh is on but no Rollout has a sidecar');
  const requestAuth = objects.filter((o) => o.kind === 'RequestAuthentication' && (o.spec?.jwtRules ?? []).length > 0);
  for (const w of meshed) {
    const own = authz.filter((a) => a.spec?.selector && (a.spec.action ?? 'ALLOW') === 'ALLOW' && selectorMatches(a.spec.selector, w.labels));
    if (own.length !== 1) problems.push(`${w.name}: ${own.length} ALLOW AuthorizationPolicies select it (expected exactly one)`);
    if (!requestAuth.some((ra) => !ra.spec.selector || selectorMatches(ra.spec.selector, w.labels))) problems.push(`${w.name}: no RequestAuthentication validates its tokens`);
  }
  return problems;
}

/** A NetworkPolicy that denies everything in both directions for every Box Office pod. */
export function defaultDenyProblems(objects: readonly K8sObject[]): string[] {
  const deny = objects.filter((o) => o.kind === 'NetworkPolicy' && (o.spec.policyTypes ?? []).includes('Ingress') && (o.spec.policyTypes ?? []).includes('Egress') && !(o.spec.ingress ?? []).length && !(o.spec.egress ?? []).length);
  return workloadsOf(objects)
    .filter((w) => w.labels['app.kubernetes.io/part-of'] === 'boxoffice')
    .filter((w) => !deny.some((np) => selectorMatches(np.spec.podSelector, w.labels)))
    .map((w) => `${w.name}: no default-deny NetworkPolicy selects it`);
}

/**
 * Every declared call must get through, and every door must be a declared call:
 * - each call is allowed by the caller's egress policies, the callee's ingress policies and, when
 *   the callee has a sidecar, by its AuthorizationPolicies for the caller's principal (a caller
 *   without a sidecar cannot reach a STRICT mTLS port);
 * - each same-namespace flow the NetworkPolicies open, and each principal an AuthorizationPolicy
 *   admits, belongs to a declared call.
 */
export function callGraphProblems(objects: readonly K8sObject[], calls: readonly Call[], known: ReadonlyArray<Peer & { ports: Destination[] }>): string[] {
  const problems: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  for (const { from, to, why } of calls) {
    const what = `${from.name} → ${to.address} (${why})`;
    if (!from.outside && !egressAllowed(policies, from, to.destination)) problems.push(`${what}: no NetworkPolicy lets it leave ${from.name}`);
    if (!ingressAllowed(to.policies, from, to.destination)) problems.push(`${what}: no NetworkPolicy lets it into ${to.destination.name}`);
    if (to.sidecar && to.workload && !to.workload.excludedInbound.has(to.destination.port)) {
      if (!from.sidecar || from.excludedOutbound.has(to.destination.port)) problems.push(`${what}: plain text to a STRICT mutual-TLS port`);
      else if (!authorized(allowPolicies(objects, to.workload), principalOf(from.namespace, from.serviceAccount), to.destination.port)) {
        problems.push(`${what}: no AuthorizationPolicy admits ${principalOf(from.namespace, from.serviceAccount)}`);
      }
    }
  }
  const declared = new Set(calls.map((c) => `${c.from.name} ${c.to.destination.name} ${c.to.destination.port}`));
  for (const w of workloadsOf(objects)) {
    for (const flow of openedFlows(policies, { ...w, ports: w.ports }, known)) {
      if (!declared.has(`${flow.from} ${flow.to} ${flow.port}`)) problems.push(`NetworkPolicy ${flow.policy} lets ${flow.from} reach ${flow.to}:${flow.port}, which it never calls`);
    }
  }
  for (const w of workloadsOf(objects).filter((x) => x.sidecar)) {
    const callers = new Map<string, Set<number>>();
    for (const c of calls.filter((x) => x.to.workload?.name === w.name)) {
      const p = principalOf(c.from.namespace, c.from.serviceAccount);
      callers.set(p, new Set([...(callers.get(p) ?? []), c.to.destination.port]));
    }
    for (const policy of allowPolicies(objects, w).filter((p) => p.spec?.selector)) {
      for (const rule of policy.spec.rules ?? []) {
        const rulePorts: number[] = (rule.to ?? []).flatMap((t: K8sObject['spec']) => (t.operation?.ports ?? []).map(Number));
        for (const f of rule.from ?? []) {
          for (const principal of f.source?.principals ?? []) {
            const used = callers.get(principal);
            if (!used || (rulePorts.length > 0 && !rulePorts.some((p) => used.has(p)))) problems.push(`AuthorizationPolicy ${policy.metadata.name} admits ${principal} to ${w.name}, which never calls it${rulePorts.length ? ` on ${rulePorts.join(', ')}` : ''}`);
          }
        }
      }
    }
  }
  return problems;
}
