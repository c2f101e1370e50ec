/**
 * Mistakes a JSON schema accepts but the real controllers reject: each is applied to the local
 * environment, the controller's own verdict is awaited, and the object is restored. These prove
 * that the tier's Healthy/Ready checks can fail, and how a user would see each mistake.
 */
import type { K8sObject } from '@boxoffice/cluster';
import { kubectl } from '@boxoffice/cluster';
import { condition, getJson, layout, serverSideApply, waitFor } from './support/kube';
import { LOCAL_NAMESPACE, localObjects, rolloutHealthy, scaledObjectReady, theOne } from './support/local';

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

describe('the real controllers judge what a schema cannot', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await localObjects();
    await serverSideApply(objects);
  });

  it('Argo Rollouts marks a canary weight of 120 as an invalid spec, and the fixed Rollout is Healthy again', async () => {
    const original = theOne(objects, 'Rollout', (n) => n === 'checkout');
    const broken = clone(original);
    const step = broken.spec.strategy.canary.steps.find((s: { setWeight?: number }) => s.setWeight !== undefined);
    expect(step).toBeDefined();
    step.setWeight = 120;
    await serverSideApply([broken]);
    try {
      const message = await waitFor(
        'Rollout checkout InvalidSpec',
        async () => {
          const invalid = condition(await getJson('rollout', 'checkout', '-n', LOCAL_NAMESPACE), 'InvalidSpec');
          return invalid?.status === 'True' ? { done: invalid.message ?? '' } : { state: 'no InvalidSpec condition' };
        },
        60_000,
      );
      expect(message).toMatch(/SetWeight needs to be between 0 and 100/);
    } finally {
      await serverSideApply([original]);
    }
    await rolloutHealthy('checkout');
  });

  describe('analysis runs, as the controller starts them at the next canary', () => {
    const run = (name: string, spec: K8sObject['spec']): K8sObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name, namespace: LOCAL_NAMESPACE, labels: { 'boxoffice.dev/cluster-tier': 'controller-validation' } },
      spec: {
        args: spec.args.map((a: { name: string }) => ({ name: a.name, value: a.name === 'namespace' ? LOCAL_NAMESPACE : 'x' })),
        metrics: spec.metrics,
      },
    });
    const started = (name: string) =>
      waitFor<{ phase: string; message: string }>(
        `AnalysisRun ${name} past Pending`,
        async () => {
          const r = await getJson('analysisrun', name, '-n', LOCAL_NAMESPACE);
          return r.status?.phase && r.status.phase !== 'Pending' ? { done: { phase: r.status.phase as string, message: (r.status.message ?? '') as string } } : { state: JSON.stringify(r.status ?? {}) };
        },
        60_000,
      );
    const clear = () => kubectl(layout, ['delete', 'analysisrun', '-n', LOCAL_NAMESPACE, '-l', 'boxoffice.dev/cluster-tier=controller-validation', '--ignore-not-found']);
    beforeEach(clear);
    afterAll(clear);

    // Background analysis templates are only validated when a run starts: start one per template now.
    it('every committed AnalysisTemplate passes the controller’s validation', async () => {
      const templates = objects.filter((o) => o.kind === 'AnalysisTemplate');
      expect(templates.map((t) => t.metadata.name).sort()).toEqual(['http-latency', 'http-success-rate', 'messaging-success-rate']);
      await serverSideApply(templates.map((t) => run(`committed-${t.metadata.name}`, t.spec)));
      for (const t of templates) expect({ template: t.metadata.name, ...(await started(`committed-${t.metadata.name}`)) }).not.toMatchObject({ phase: 'Error', message: expect.stringMatching(/metrics\[\d+\]|invalid|must be/) });
    });

    it('fails a run whose template has an interval it cannot parse', async () => {
      const broken = clone(theOne(objects, 'AnalysisTemplate', (n) => n === 'http-success-rate').spec);
      broken.metrics[0].interval = '1 minute';
      await serverSideApply([run('broken-interval', broken)]);
      expect(await started('broken-interval')).toEqual({ phase: 'Error', message: expect.stringMatching(/invalid interval string/) });
    });
  });

  it('KEDA refuses a notify scaler whose lag threshold is 0, and the fixed one is Ready again', async () => {
    const original = theOne(objects, 'ScaledObject', (n) => n === 'notify');
    const broken = clone(original);
    broken.spec.triggers[0].metadata.lagThreshold = '0';
    await serverSideApply([broken]);
    try {
      const message = await waitFor(
        'ScaledObject notify not Ready',
        async () => {
          const ready = condition(await getJson('scaledobject', 'notify', '-n', LOCAL_NAMESPACE), 'Ready');
          return ready?.status === 'False' ? { done: `${ready.reason}: ${ready.message}` } : { state: `Ready=${ready?.status}` };
        },
        90_000,
      );
      expect(message).toMatch(/lagThreshold/i);
    } finally {
      await serverSideApply([original]);
    }
    await scaledObjectReady('notify');
  });
});
