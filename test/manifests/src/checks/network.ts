import type { K8sObject } from '../support/objects';

/** Where a connection starts or ends: enough to match NetworkPolicy selectors and ports. */
export interface Peer {
  /** For messages: `Rollout/login`, `postgres`, `the ingress gateway`… */
  name: string;
  namespace: string;
  labels: Record<string, string>;
  namespaceLabels: Record<string, string>;
}

export interface Destination extends Peer {
  port: number;
  /** The container port's name, for policies that name ports. */
  portName?: string;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined;

/** Kubernetes label selector semantics (an empty selector matches everything). */
export function selectorMatches(selector: Selector, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
  return byLabel && byExpression;
}

function policyTypes(np: K8sObject): string[] {
  return np.spec.policyTypes ?? (np.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** NetworkPolicies that isolate `pod` in `direction`. */
export function isolating(policies: readonly K8sObject[], pod: Peer, direction: 'Ingress' | 'Egress'): K8sObject[] {
  return policies.filter((np) => np.kind === 'NetworkPolicy' && (np.metadata.namespace ?? pod.namespace) === pod.namespace && policyTypes(np).includes(direction) && selectorMatches(np.spec.podSelector, pod.labels));
}

/** Does a `from`/`to` entry of a policy in `policyNamespace` match `peer`? (ipBlocks never do: no IPs here.) */
export function peerMatches(entry: K8sObject['spec'], policyNamespace: string, peer: Peer): boolean {
  if (entry.ipBlock) return false;
  if (entry.namespaceSelector) return selectorMatches(entry.namespaceSelector, peer.namespaceLabels) && selectorMatches(entry.podSelector, peer.labels);
  return peer.namespace === policyNamespace && selectorMatches(entry.podSelector, peer.labels);
}

function portMatches(ports: Array<{ port?: number | string; endPort?: number; protocol?: string }> | undefined, to: Destination): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === to.port || (p.port === to.portName && to.portName !== undefined) || (typeof p.port === 'number' && p.endPort !== undefined && to.port >= p.port && to.port <= p.endPort)));
}

/** The rules of the policies that admit the connection, as `policy[rule]`; empty when none does. */
function admitting(policies: K8sObject[], direction: 'Ingress' | 'Egress', other: Peer, to: Destination): string[] {
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const peers = direction === 'Ingress' ? 'from' : 'to';
  const out: string[] = [];
  for (const np of policies) {
    (np.spec[field] ?? []).forEach((rule: K8sObject['spec'], i: number) => {
      const list = rule[peers];
      const peerOk = !list || list.length === 0 || list.some((entry: K8sObject['spec']) => peerMatches(entry, np.metadata.namespace ?? to.namespace, other));
      if (peerOk && portMatches(rule.ports, to)) out.push(`${np.metadata.name}[${i}]`);
    });
  }
  return out;
}

/** Is `from` → `to` allowed leaving `from` (egress) by these policies? */
export function egressAllowed(policies: readonly K8sObject[], from: Peer, to: Destination): boolean {
  const applying = isolating(policies, from, 'Egress');
  return applying.length === 0 || admitting(applying, 'Egress', to, to).length > 0;
}

/** Is `from` → `to` allowed arriving at `to` (ingress) by these policies? */
export function ingressAllowed(policies: readonly K8sObject[], from: Peer, to: Destination): boolean {
  const applying = isolating(policies, to, 'Ingress');
  return applying.length === 0 || admitting(applying, 'Ingress', from, to).length > 0;
}

/**
 * Connections the policies open between pods we know, in either direction: each same-namespace
 * `podSelector` peer of an ingress or egress rule of a policy selecting `pod`, resolved against
 * `known` pods, with the rule's ports resolved against the receiving pod.
 */
export function openedFlows(policies: readonly K8sObject[], pod: Peer & { ports: Destination[] }, known: ReadonlyArray<Peer & { ports: Destination[] }>): Array<{ from: string; to: string; port: number; policy: string }> {
  const out: Array<{ from: string; to: string; port: number; policy: string }> = [];
  for (const np of policies.filter((p) => p.kind === 'NetworkPolicy' && (p.metadata.namespace ?? pod.namespace) === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels))) {
    for (const [field, peersField] of [['ingress', 'from'], ['egress', 'to']] as const) {
      if (!policyTypes(np).includes(field === 'ingress' ? 'Ingress' : 'Egress')) continue;
      for (const rule of np.spec[field] ?? []) {
        for (const entry of rule[peersField] ?? []) {
          if (entry.namespaceSelector || entry.ipBlock) continue;
          for (const other of known.filter((k) => k !== pod && k.namespace === pod.namespace && selectorMatches(entry.podSelector, k.labels))) {
            const receiver = field === 'ingress' ? pod : other;
            for (const port of receiver.ports.filter((p) => portMatches(rule.ports, p))) {
              out.push({ from: field === 'ingress' ? other.name : pod.name, to: receiver.name, port: port.port, policy: np.metadata.name });
            }
          }
        }
      }
    }
  }
  return out;
}
