import { renderKustomization, setLocalEndpoints, type K8sObject } from '@boxoffice/cluster';
import { condition, getJson, layout, waitFor } from './support/kube';
import { applyLocal, LOCAL_NAMESPACE, localObjects, named, rolloutHealthy, scaledObjectReady, theOne } from './support/local';

describe('the local overlay on the local control plane', () => {
  let objects: K8sObject[];

  beforeAll(async () => {
    objects = await localObjects();
    await applyLocal(objects);
  });

  it('differs from dev only in its namespace and the Prometheus and Kafka addresses', async () => {
    const dev = await renderKustomization(layout, 'kustomize/overlays/dev');
    const local = await renderKustomization(layout, 'kustomize/overlays/local');
    const renamed = local.map((o) => JSON.parse(JSON.stringify(o).replaceAll('boxoffice-local', 'boxoffice-dev').replaceAll('local.boxoffice.localhost', 'dev.boxoffice.localhost')) as K8sObject);
    const namespace = theOne(renamed, 'Namespace', () => true);
    expect(namespace.metadata.labels['boxoffice.dev/environment']).toBe('local');
    namespace.metadata.labels['boxoffice.dev/environment'] = 'dev';
    // The same fields set to the same sentinel on both sides: what remains must be equal.
    const sentinel = { prometheusUrl: 'http://prometheus', kafkaBrokers: 'kafka:9092', database: { host: 'db', port: '1', user: 'u', password: 'p' } };
    expect(setLocalEndpoints(renamed, sentinel)).toEqual(setLocalEndpoints(dev, sentinel));
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const sorted = (objects: K8sObject[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(renamed)).toEqual(sorted(dev));
  });

  it('every Rollout becomes Healthy', async () => {
    const rollouts = named(objects, 'Rollout');
    expect(rollouts.map((r) => r.metadata.name).sort()).toEqual(['checkout', 'login', 'notify']);
    for (const r of rollouts) await rolloutHealthy(r.metadata.name);
  });

  it('every migrate Job completes', async () => {
    const jobs = named(objects, 'Job');
    expect(jobs.length).toBe(3);
    for (const job of jobs) {
      await waitFor(
        `Job ${job.metadata.name} complete`,
        async () => {
          const j = await getJson('job', job.metadata.name, '-n', LOCAL_NAMESPACE);
          return condition(j, 'Complete')?.status === 'True' ? { done: undefined } : { state: JSON.stringify(j.status ?? {}) };
        },
        120_000,
      );
    }
  });

  it('every ScaledObject is Ready (KEDA reached the local Kafka and Prometheus)', async () => {
    const scaled = named(objects, 'ScaledObject');
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(['checkout', 'notify']);
    for (const s of scaled) await scaledObjectReady(s.metadata.name);
  });
});
