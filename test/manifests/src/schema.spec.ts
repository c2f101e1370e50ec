import { digest, manifests, targets, uniqueObjects } from './support/cache';
import { describeObject, keyOf, type K8sObject } from './support/objects';
import { validateSchema } from './support/schema';
import { createStrictFieldChecker, type StrictFieldChecker } from './support/strict-fields';

/** Kinds no model package covers: only the strict field check (strimzi.d.ts) applies. */
const WITHOUT_MODEL = new Set(['kafka.strimzi.io/v1beta2/Kafka', 'kafka.strimzi.io/v1beta2/KafkaNodePool', 'kafka.strimzi.io/v1beta2/KafkaTopic']);

const all = uniqueObjects(targets());
const label = (o: K8sObject, where: string[]) => `${describeObject(o)} (${where[0]}${where.length > 1 ? ` +${where.length - 1}` : ''})`;

let strict: StrictFieldChecker;
beforeAll(() => {
  strict = createStrictFieldChecker();
});

describe('schema validation (kubernetes-models and the CRD model packages)', () => {
  it.each(all.map(({ object, targets: where }) => [label(object, where), object] as const))('%s', (_name, object) => {
    const result = manifests().schema[digest(object)];
    if (WITHOUT_MODEL.has(keyOf(object))) {
      expect(result.status).toBe('no-model');
      return;
    }
    expect(result.status === 'no-model' ? [`no model package for ${keyOf(object)}`] : result.errors).toEqual([]);
    expect(result.status).toBe('valid');
  });
});

describe('strict fields: no unknown or misspelled field anywhere', () => {
  it.each(all.map(({ object, targets: where }) => [label(object, where), object] as const))('%s', (_name, object) => {
    const errors = strict.check(object);
    expect(errors ?? [`no schema for ${keyOf(object)}: add it to support/models.json`]).toEqual([]);
  });
});

describe('the checks catch mistakes (negative tests)', () => {
  const rollout = (): K8sObject => JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'Rollout')!.object));

  it('reports a misspelled Rollout field the package schema lets through', () => {
    const broken = rollout();
    broken.spec.strategy.canary.stableServce = broken.spec.strategy.canary.stableService;
    delete broken.spec.strategy.canary.stableService;
    // The published schema accepts unknown properties...
    expect(validateSchema(broken).status).toBe('valid');
    // ...the strict check does not.
    expect(strict.check(broken)).toEqual([
      'spec.strategy.canary.stableServce: unknown field (did you mean "stableService"?)',
    ]);
  });

  it('reports unknown fields deep in a pod template and in CRDs of every family', () => {
    const broken = rollout();
    broken.spec.template.spec.containers[0].readinessProbe.httpGet.pathh = '/health/ready';
    expect(strict.check(broken)).toEqual([
      'spec.template.spec.containers[0].readinessProbe.httpGet.pathh: unknown field (did you mean "path"?)',
    ]);
    const vs = JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'VirtualService')!.object));
    vs.spec.http[0].route[0].wieght = 100;
    expect(strict.check(vs)).toEqual(['spec.http[0].route[0].wieght: unknown field (did you mean "weight"?)']);
    const so = JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'ScaledObject')!.object));
    so.spec.maxReplicas = 3;
    expect(strict.check(so)).toEqual(['spec.maxReplicas: unknown field']);
    const topic = JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'KafkaTopic')!.object));
    topic.spec.partition = 6;
    expect(strict.check(topic)).toEqual(['spec.partition: unknown field (did you mean "partitions"?)']);
  });

  it('reports wrong types and enum values', () => {
    const dr = JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'DestinationRule')!.object));
    dr.spec.trafficPolicy.tls.mode = 'ISTIO_MUTAL';
    expect(strict.check(dr)).toEqual([
      'spec.trafficPolicy.tls.mode: "ISTIO_MUTAL" is not one of "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"',
    ]);
    const svc = JSON.parse(JSON.stringify(all.find((e) => e.object.kind === 'Service')!.object));
    svc.spec.ports[0].port = '8080';
    expect(validateSchema(svc).status).toBe('invalid');
  });
});
