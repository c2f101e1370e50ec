import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from './kube';
import { parseManifests, renderKustomization, UNAVAILABLE_CRD_GROUPS, type K8sObject } from '@boxoffice/cluster';

/** Everything the repository deploys besides the local overlay: each environment, its platform, the Argo CD apps. */
export const APPLIED_TARGETS = [
  'kustomize/overlays/dev',
  'kustomize/overlays/staging',
  'kustomize/overlays/prod',
  'k8s/platform/envs/dev',
  'k8s/platform/envs/staging',
  'k8s/platform/envs/prod',
  'k8s/platform/prometheus',
  'k8s/argocd/apps',
  'k8s/argocd/root-application.yaml',
] as const;

/**
 * Warnings the API server gives for our objects that we accept, each with its reason
 * (docs/kubernetes.md, "Verified on a real API server").
 */
export const DOCUMENTED_WARNINGS: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /metadata\.finalizers: "resources-finalizer\.argocd\.argoproj\.io": prefer a domain-qualified finalizer name/,
    reason: "Argo CD's own finalizer name; Applications must carry it for cascading deletes",
  },
];

export function undocumented(warnings: string[]): string[] {
  return warnings.filter((w) => !DOCUMENTED_WARNINGS.some((d) => d.pattern.test(w)));
}

export async function renderTarget(target: string): Promise<K8sObject[]> {
  if (target.endsWith('.yaml')) return parseManifests(readFileSync(join(layout.repoRoot, target), 'utf8'), target);
  return renderKustomization(layout, target);
}

/** Splits off objects whose CRDs no module here provides (Strimzi's Kafka, KafkaNodePool, KafkaTopic). */
export function withoutUnavailableKinds(objects: K8sObject[]): { kept: K8sObject[]; skipped: string[] } {
  const unavailable = (o: K8sObject) => UNAVAILABLE_CRD_GROUPS.some((g) => o.apiVersion.startsWith(`${g.group}/`));
  return {
    kept: objects.filter((o) => !unavailable(o)),
    skipped: objects.filter(unavailable).map((o) => `${o.kind}/${o.metadata.name}`),
  };
}

/**
 * The other environments' scalers point at in-cluster DNS names that only resolve in a real
 * cluster; KEDA would look them up through this machine's resolver. They are applied paused
 * (KEDA's own annotation), so the API server judges them and KEDA sends nothing off the machine.
 */
export function pauseScalers(objects: K8sObject[]): K8sObject[] {
  return objects.map((o) =>
    o.kind === 'ScaledObject'
      ? { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), 'autoscaling.keda.sh/paused': 'true' } } }
      : o,
  );
}
