import { disruptionBudgetProblems, limitProblems, quantity, scalerProblems } from './checks/capacity';
import { appTargets, target, targets } from './support/cache';
import { containers, named, ofKind } from './support/objects';

const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const deployed = [...appTargets(), ...targets('platform')].filter((t) => t.id !== 'k8s/platform/prometheus');

describe('resources: every limit at least its request', () => {
  it.each(deployed.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(containers(t.objects).length).toBeGreaterThan(0);
    expect(limitProblems(t.objects)).toEqual([]);
  });

  it('reads quantities as Kubernetes does', () => {
    expect([quantity('250m'), quantity('1'), quantity('512Mi'), quantity('1Gi'), quantity('1e3'), quantity('0.5'), quantity('1.5Gi')]).toEqual([0.25, 1, 512 * 2 ** 20, 2 ** 30, 1000, 0.5, 1.5 * 2 ** 30]);
    expect(quantity('12 cores')).toBeUndefined();
  });

  it('catches a memory limit below its request, a CPU limit below its request, and a malformed quantity', () => {
    const objects = copy(target('kustomize/overlays/prod').objects);
    named(objects, 'Rollout', 'login')!.spec.template.spec.containers[0].resources.limits.memory = '128Mi';
    named(objects, 'Rollout', 'checkout')!.spec.template.spec.containers[0].resources.limits.cpu = '100m';
    named(objects, 'Job', 'notify-migrate')!.spec.template.spec.containers[0].resources.requests.cpu = '50 m';
    expect(limitProblems(objects)).toEqual([
      'Rollout/checkout/checkout: limits.cpu 100m is below requests.cpu 250m',
      'Rollout/login/login: limits.memory 128Mi is below requests.memory 256Mi',
      'Job/notify-migrate/migrate: requests.cpu "50 m" is not a quantity',
    ]);
  });
});

describe('PodDisruptionBudgets allow an eviction at the smallest size', () => {
  it.each(appTargets().map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(ofKind(t.objects, 'PodDisruptionBudget').length).toBe(3);
    expect(disruptionBudgetProblems(t.objects)).toEqual([]);
  });

  it('catches maxUnavailable 0, a minAvailable equal to the replicas, and a budget selecting nothing', () => {
    const objects = copy(target('kustomize/overlays/prod').objects);
    named(objects, 'PodDisruptionBudget', 'login')!.spec.maxUnavailable = 0;
    const checkout = named(objects, 'PodDisruptionBudget', 'checkout')!;
    delete checkout.spec.maxUnavailable;
    checkout.spec.minAvailable = '100%';
    named(objects, 'PodDisruptionBudget', 'notify')!.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'notifier' };
    expect(disruptionBudgetProblems(objects)).toEqual([
      'PodDisruptionBudget checkout: allows no eviction of Rollout checkout at 3 replica(s) (minAvailable 100%)',
      'PodDisruptionBudget login: allows no eviction of Rollout login at 3 replica(s) (maxUnavailable 0)',
      'PodDisruptionBudget notify: selects no workload',
    ].sort((a, b) => (a < b ? -1 : 1)));
  });
});

describe('KEDA: thresholds > 0, sane replica bounds', () => {
  const withScalers = appTargets().filter((t) => ofKind(t.objects, 'ScaledObject').length);

  it('finds the ScaledObjects', () => {
    expect(withScalers.length).toBeGreaterThanOrEqual(4);
  });

  it.each(withScalers.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(scalerProblems(t.objects)).toEqual([]);
  });

  it('catches a zero lag threshold, a negative request-rate threshold, and min above max', () => {
    const objects = copy(target('kustomize/overlays/dev').objects);
    named(objects, 'ScaledObject', 'notify')!.spec.triggers[1].metadata.lagThreshold = '0';
    named(objects, 'ScaledObject', 'checkout')!.spec.triggers[0].metadata.threshold = '-5';
    named(objects, 'ScaledObject', 'checkout')!.spec.minReplicaCount = 9;
    expect(scalerProblems(objects)).toEqual([
      'ScaledObject checkout: minReplicaCount 9 exceeds maxReplicaCount 3',
      'ScaledObject checkout trigger request-rate: threshold "-5" must be a number > 0',
      'ScaledObject notify trigger lag-order-confirmed: lagThreshold "0" must be a number > 0',
    ]);
  });
});
