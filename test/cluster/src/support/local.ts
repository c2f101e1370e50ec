import { LOCAL_NAMESPACE, localEndpoints, renderLocalOverlay, type K8sObject } from '@boxoffice/cluster';
import { condition, getJson, layout, serverSideApply, waitFor } from './kube';

export { LOCAL_NAMESPACE };

export async function localObjects(): Promise<K8sObject[]> {
  return (await renderLocalOverlay(layout, localEndpoints(layout))).objects;
}

export function named(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of that kind and name; fails the test naming it when the overlay lost it. */
export function theOne(objects: K8sObject[], kind: string, match: (name: string) => boolean): K8sObject {
  const found = objects.filter((o) => o.kind === kind && match(o.metadata.name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} matching ${match} in the local overlay, found ${found.length}`);
  return found[0];
}

export async function applyLocal(objects: K8sObject[]): Promise<void> {
  await serverSideApply(objects);
}

export function rolloutHealthy(name: string, timeoutMs = 120_000): Promise<void> {
  return waitFor(
    `Rollout ${name} Healthy`,
    async () => {
      const r = await getJson('rollout', name, '-n', LOCAL_NAMESPACE);
      const invalid = condition(r, 'InvalidSpec');
      if (invalid?.status === 'True') return { state: `invalid spec: ${invalid.message}` };
      return r.status?.phase === 'Healthy' ? { done: undefined } : { state: `phase ${r.status?.phase ?? '-'}: ${r.status?.message ?? ''}` };
    },
    timeoutMs,
  );
}

export function scaledObjectReady(name: string, timeoutMs = 120_000): Promise<void> {
  return waitFor(
    `ScaledObject ${name} Ready`,
    async () => {
      const ready = condition(await getJson('scaledobject', name, '-n', LOCAL_NAMESPACE), 'Ready');
      return ready?.status === 'True' ? { done: undefined } : { state: `Ready=${ready?.status ?? '-'} ${ready?.reason ?? ''}: ${ready?.message ?? ''}` };
    },
    timeoutMs,
  );
}
