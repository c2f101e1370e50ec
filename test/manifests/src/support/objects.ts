/** A rendered Kubernetes object, loosely typed: tests read fields by path. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // Rendered manifests are data of any shape; tests narrow what they read.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export function keyOf(object: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  return `${object.apiVersion}/${object.kind}`;
}

export function describeObject(object: K8sObject): string {
  const ns = object.metadata?.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.kind} ${ns}${object.metadata?.name}`;
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function named(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

/** Pod templates of workloads (Rollout, Deployment, StatefulSet, Job) with the owner. */
export function podTemplates(objects: readonly K8sObject[]): Array<{ owner: K8sObject; spec: K8sObject['spec'] }> {
  const kinds = new Set(['Rollout', 'Deployment', 'StatefulSet', 'Job', 'DaemonSet']);
  return objects
    .filter((o) => kinds.has(o.kind) && o.spec?.template?.spec)
    .map((o) => ({ owner: o, spec: o.spec.template.spec }));
}

export interface ContainerRef {
  owner: K8sObject;
  podSpec: K8sObject['spec'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  container: any;
  init: boolean;
}

export function containers(objects: readonly K8sObject[]): ContainerRef[] {
  return podTemplates(objects).flatMap(({ owner, spec }) => [
    ...(spec.initContainers ?? []).map((container: unknown) => ({ owner, podSpec: spec, container, init: true })),
    ...(spec.containers ?? []).map((container: unknown) => ({ owner, podSpec: spec, container, init: false })),
  ]);
}
