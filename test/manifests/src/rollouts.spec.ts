import { analysisProblems, prometheusAddresses, prometheusAddressProblems, type MetricSamples } from './checks/analysis';
import { canaryStepProblems } from './checks/rollout';
import { appTargets, target } from './support/cache';
import { bootstrap } from './support/environment';
import { ofKind, type K8sObject } from './support/objects';
import { evaluateConditions, pauseDurationSeconds } from './support/rollouts-eval';

const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const apps = appTargets();
const canaries = apps.flatMap((t) => ofKind(t.objects, 'Rollout').filter((r) => r.spec.strategy.canary).map((r) => [`${t.id}: ${r.metadata.name}`, r] as const));
const templates = ofKind(target('rollouts/analysis').objects, 'AnalysisTemplate');

/**
 * Query results a healthy and a broken canary would produce, per metric (the Prometheus provider
 * hands a vector's values to the conditions as a list). `empty`: the canary served nothing.
 */
const SAMPLES: Record<string, MetricSamples> = {
  'http-success-rate': { healthy: [1], broken: [0.5], empty: [], sweep: [[0], [0.98], [0.99], [0.995], [1]] },
  'http-latency-p95': { healthy: [0.08], broken: [2.5], empty: [], sweep: [[0], [0.25], [0.5], [0.51], [10]] },
  'messaging-success-rate': { healthy: [1], broken: [0.2], empty: [], sweep: [[0], [0.94], [0.95], [0.96], [1]] },
};

/** The Prometheus the platform runs: the operator's Service prometheus-operated in the namespace bootstrap installs kube-prometheus-stack into. */
function platformPrometheus(): string {
  const release = bootstrap().releases.find((r) => r.chart === 'prometheus-community/kube-prometheus-stack');
  if (!release) throw new Error('k8s/bootstrap/bootstrap.sh installs no kube-prometheus-stack');
  return `http://prometheus-operated.${release.namespace}.svc.cluster.local:9090`;
}

describe('canary steps', () => {
  it('finds the canaries of every app target', () => {
    expect(canaries.length).toBeGreaterThanOrEqual(3 * apps.length - 3);
  });

  it.each(canaries)('%s: weights 0..100, never back, ending at 100; pauses valid', (_id, rollout) => {
    expect(canaryStepProblems(rollout, pauseDurationSeconds)).toEqual([]);
  });

  describe('catch mistakes', () => {
    const base = canaries[0][1];
    const withSteps = (steps: unknown[]): K8sObject => {
      const r = copy(base);
      r.spec.strategy.canary.steps = steps;
      return r;
    };
    const check = (steps: unknown[]) => canaryStepProblems(withSteps(steps), pauseDurationSeconds);

    it('a weight of 120', () => {
      expect(check([{ setWeight: 20 }, { setWeight: 120 }])).toEqual(expect.arrayContaining([expect.stringContaining('setWeight 120 is not a whole percentage')]));
    });
    it('a weight going back', () => {
      expect(check([{ setWeight: 50 }, { pause: { duration: '1m' } }, { setWeight: 25 }, { setWeight: 100 }])).toEqual([expect.stringContaining('setWeight 25 goes back from 50')]);
    });
    it('a plan ending below 100', () => {
      expect(check([{ setWeight: 10 }, { pause: { duration: '1m' } }, { setWeight: 50 }])).toEqual([expect.stringContaining('the last setWeight is 50, not 100')]);
    });
    it('a negative weight', () => {
      expect(check([{ setWeight: -5 }, { setWeight: 100 }])).toEqual([expect.stringContaining('setWeight -5')]);
    });
    it('pause durations the controller rejects or that pause for nothing', () => {
      expect(check([{ setWeight: 10 }, { pause: { duration: '5 minutes' } }, { setWeight: 100 }])).toEqual([expect.stringContaining('"5 minutes" is not a duration')]);
      expect(check([{ setWeight: 10 }, { pause: { duration: '2d' } }, { setWeight: 100 }])).toEqual([expect.stringContaining('"2d" is not a duration')]);
      expect(check([{ setWeight: 10 }, { pause: { duration: '0s' } }, { setWeight: 100 }])).toEqual([expect.stringContaining('pauses for nothing')]);
      // What the controller accepts: whole seconds, Go durations, and an indefinite pause.
      expect(check([{ setWeight: 10 }, { pause: { duration: 30 } }, { setWeight: 20 }, { pause: { duration: '1h30m' } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }])).toEqual([]);
    });
  });
});

describe('canary analysis conditions, evaluated with expr-lang/expr on sample results', () => {
  it('finds the metrics', () => {
    expect(templates.flatMap((t) => t.spec.metrics).length).toBeGreaterThanOrEqual(3);
  });

  it('healthy succeeds, broken fails, no traffic never succeeds, never both conditions true', () => {
    expect(analysisProblems(templates, SAMPLES, evaluateConditions)).toEqual([]);
  });

  it('every app target runs the same templates as rollouts/analysis', () => {
    for (const t of apps) {
      const here = ofKind(t.objects, 'AnalysisTemplate');
      expect(here.length).toBe(templates.length);
      for (const tpl of here) expect(tpl.spec.metrics.map((m: K8sObject['spec']) => [m.successCondition, m.failureCondition])).toEqual(templates.find((x) => x.metadata.name === tpl.metadata.name)!.spec.metrics.map((m: K8sObject['spec']) => [m.successCondition, m.failureCondition]));
    }
  });

  describe('catch mistakes', () => {
    const mutated = (name: string, change: (metric: K8sObject['spec']) => void) => {
      const all = copy(templates);
      change(all.find((t) => t.metadata.name === name)!.spec.metrics[0]);
      return analysisProblems(all, SAMPLES, evaluateConditions);
    };

    it('a success condition that can never hold', () => {
      expect(mutated('http-success-rate', (m) => (m.successCondition = 'len(result) > 0 && result[0] >= 1.5'))).toEqual(expect.arrayContaining([expect.stringContaining('healthy sample [1]: Inconclusive, expected Successful')]));
    });
    it('swapped latency conditions', () => {
      const problems = mutated('http-latency', (m) => ([m.successCondition, m.failureCondition] = [m.failureCondition, m.successCondition]));
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('healthy sample [0.08]: Failed, expected Successful'), expect.stringContaining('broken sample [2.5]: Successful, expected Failed')]));
    });
    it('overlapping conditions (both true)', () => {
      expect(mutated('messaging-success-rate', (m) => (m.failureCondition = 'len(result) > 0 && result[0] < 0.99'))).toEqual(expect.arrayContaining([expect.stringContaining('success and failure conditions are both true')]));
    });
    it('no traffic counted as success', () => {
      expect(mutated('http-success-rate', (m) => (m.successCondition = 'len(result) == 0 || result[0] >= 0.99'))).toEqual(expect.arrayContaining([expect.stringContaining('Successful without any traffic')]));
    });
    it('a condition that does not compile, and a metric without samples', () => {
      expect(mutated('http-latency', (m) => (m.successCondition = 'result[0] <='))).toEqual(expect.arrayContaining([expect.stringContaining('successCondition does not evaluate')]));
      expect(mutated('http-latency', (m) => (m.name = 'http-latency-p99'))).toEqual([expect.stringContaining('http-latency-p99: no sample results')]);
    });
  });
});

const LOCAL_PROMETHEUS = 'http://127.0.0.1:9090';

describe('analysis and scalers query the Prometheus the platform runs', () => {
  const expected = platformPrometheus();

  it('the platform’s scrape configuration lives in that namespace', () => {
    expect(expected).toBe('http://prometheus-operated.monitoring.svc.cluster.local:9090');
    for (const o of target('k8s/platform/prometheus').objects) expect(o.metadata.namespace).toBe(new URL(expected).hostname.split('.')[1]);
  });

  it.each(apps.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(prometheusAddresses(t.objects).length).toBeGreaterThan(0);
    // The local overlay's controllers run on this machine: its default is the loopback Prometheus,
    // which libs/cluster replaces with this checkout's port (test/cluster proves nothing else differs).
    expect(prometheusAddressProblems(t.objects, t.id === 'kustomize/overlays/local' ? LOCAL_PROMETHEUS : expected)).toEqual([]);
  });

  it('catches an address in the wrong namespace, port or scheme', () => {
    const objects = copy(target('kustomize/overlays/prod').objects);
    ofKind(objects, 'AnalysisTemplate')[0].spec.metrics[0].provider.prometheus.address = 'http://prometheus-operated.prometheus.svc.cluster.local:9090';
    ofKind(objects, 'ScaledObject').find((s) => s.metadata.name === 'checkout')!.spec.triggers[0].metadata.serverAddress = 'http://prometheus-operated.monitoring.svc.cluster.local:9091';
    expect(prometheusAddressProblems(objects, expected)).toEqual([
      expect.stringContaining('queries http://prometheus-operated.prometheus.svc.cluster.local:9090'),
      expect.stringContaining('queries http://prometheus-operated.monitoring.svc.cluster.local:9091'),
    ]);
  });
});
