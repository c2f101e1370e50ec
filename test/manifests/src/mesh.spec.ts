import { callGraphProblems, defaultDenyProblems, meshEnabled, meshSecurityProblems } from './checks/mesh';
import { Topology } from './checks/topology';
import { appTargets, target, type RenderedTarget } from './support/cache';
import { platformFacts, serviceConfigs } from './support/environment';
import { named, ofKind, type K8sObject } from './support/objects';

const copy = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const apps = appTargets();
const meshed = apps.filter((t) => meshEnabled(t.objects));

/** The call graph of a target's objects and the problems the policies have with it. */
function graphProblems(t: RenderedTarget, objects: K8sObject[] = t.objects): string[] {
  const topology = new Topology(objects, platformFacts(t));
  const { configs, jobEnvs } = serviceConfigs(objects);
  const { calls, problems } = topology.calls(configs, jobEnvs);
  return [...problems, ...callGraphProblems(objects, calls, [...topology.workloads.map((w) => ({ ...w, ports: w.ports })), ...topology.platformPeers()])];
}

describe('mesh security objects wherever the istio component is on', () => {
  it('finds the meshed targets', () => {
    expect(meshed.map((t) => t.id)).toEqual(expect.arrayContaining(['kustomize/overlays/dev', 'kustomize/overlays/staging', 'kustomize/overlays/prod', 'kustomize/tests/istio']));
  });

  it.each(meshed.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(meshSecurityProblems(t.objects)).toEqual([]);
  });

  it.each(apps.map((t) => [t.id, t] as const))('%s: default-deny NetworkPolicy for every Box Office pod', (_id, t) => {
    expect(defaultDenyProblems(t.objects)).toEqual([]);
  });

  describe('catch mistakes', () => {
    const prod = () => copy(target('kustomize/overlays/prod').objects);
    const without = (objects: K8sObject[], kind: string, name: string) => objects.filter((o) => !(o.kind === kind && o.metadata.name === name));

    it('a deleted AuthorizationPolicy (allow-nothing, or one workload’s)', () => {
      expect(meshSecurityProblems(without(prod(), 'AuthorizationPolicy', 'allow-nothing'))).toEqual([expect.stringContaining('no allow-nothing AuthorizationPolicy')]);
      expect(meshSecurityProblems(without(prod(), 'AuthorizationPolicy', 'checkout'))).toEqual(['Rollout/checkout: 0 ALLOW AuthorizationPolicies select it (expected exactly one)']);
    });
    it('a deleted RequestAuthentication', () => {
      expect(meshSecurityProblems(without(prod(), 'RequestAuthentication', 'boxoffice-jwt'))).toEqual(expect.arrayContaining(['Rollout/login: no RequestAuthentication validates its tokens']));
    });
    it('PeerAuthentication deleted or PERMISSIVE', () => {
      expect(meshSecurityProblems(without(prod(), 'PeerAuthentication', 'default'))).toEqual([expect.stringContaining('no namespace-wide PeerAuthentication')]);
      const permissive = prod();
      named(permissive, 'PeerAuthentication', 'default')!.spec.mtls.mode = 'PERMISSIVE';
      expect(meshSecurityProblems(permissive)).toEqual(expect.arrayContaining([expect.stringContaining('mtls.mode PERMISSIVE weakens STRICT')]));
    });
    it('a rule admitting any caller', () => {
      const open = prod();
      delete named(open, 'AuthorizationPolicy', 'notify')!.spec.rules[0].from;
      expect(meshSecurityProblems(open)).toEqual([expect.stringContaining('AuthorizationPolicy notify: a rule admits callers without naming their principals')]);
    });
    it('a deleted default-deny NetworkPolicy', () => {
      expect(defaultDenyProblems(without(prod(), 'NetworkPolicy', 'boxoffice-default-deny'))).toEqual(expect.arrayContaining(['Rollout/login: no default-deny NetworkPolicy selects it']));
    });
  });
});

describe('the declared call graph against NetworkPolicies and AuthorizationPolicies, both ways', () => {
  it.each(apps.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(graphProblems(t)).toEqual([]);
  });

  it('declares the calls the services make', () => {
    const t = target('kustomize/overlays/prod');
    const topology = new Topology(t.objects, platformFacts(t));
    const { configs, jobEnvs } = serviceConfigs(t.objects);
    const calls = topology.calls(configs, jobEnvs).calls.map((c) => `${c.from.name} → ${c.to.address}`);
    expect(calls).toEqual(expect.arrayContaining([
      'Rollout/checkout → login:8080', 'Rollout/notify → login:8080', 'Rollout/login → login:8080',
      'Rollout/checkout → postgres:5432', 'Rollout/notify → boxoffice-kafka-bootstrap:9092', 'Rollout/checkout → flipt:8080',
      'Job/checkout-migrate → postgres:5432', 'the ingress gateway → checkout:8080', 'Prometheus → Rollout/notify:metrics',
    ]));
  });

  describe('catch mistakes', () => {
    const t = target('kustomize/overlays/prod');
    const prod = () => copy(t.objects);

    it('a NetworkPolicy that blocks checkout’s JWKS calls', () => {
      const objects = prod();
      const np = named(objects, 'NetworkPolicy', 'checkout')!;
      np.spec.egress = np.spec.egress.filter((r: K8sObject['spec']) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] !== 'login');
      expect(graphProblems(t, objects)).toEqual(['Rollout/checkout → login:8080 (JWKS_URL): no NetworkPolicy lets it leave Rollout/checkout', 'Rollout/checkout → login:8080 (sidecar fetches the JWKS of RequestAuthentication boxoffice-jwt): no NetworkPolicy lets it leave Rollout/checkout']);
    });
    it('a principal swapped for another existing ServiceAccount', () => {
      const objects = prod();
      const principals: string[] = named(objects, 'AuthorizationPolicy', 'login')!.spec.rules[0].from[1].source.principals;
      principals[principals.indexOf('cluster.local/ns/boxoffice-prod/sa/notify')] = 'cluster.local/ns/boxoffice-prod/sa/checkout-migrate';
      expect(graphProblems(t, objects)).toEqual(expect.arrayContaining([
        expect.stringContaining('Rollout/notify → login:8080 (JWKS_URL): no AuthorizationPolicy admits cluster.local/ns/boxoffice-prod/sa/notify'),
      ]));
      const swapped = prod();
      const p2: string[] = named(swapped, 'AuthorizationPolicy', 'login')!.spec.rules[0].from[1].source.principals;
      p2.push('cluster.local/ns/boxoffice-prod/sa/k6');
      expect(graphProblems(t, swapped)).toEqual(['AuthorizationPolicy login admits cluster.local/ns/boxoffice-prod/sa/k6 to Rollout/login, which never calls it on 8080']);
    });
    it('a NetworkPolicy opening a flow nobody makes', () => {
      const objects = prod();
      named(objects, 'NetworkPolicy', 'login')!.spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-migrate' } } });
      expect(graphProblems(t, objects)).toEqual(['NetworkPolicy login lets Job/checkout-migrate reach Rollout/login:8080, which it never calls']);
    });
    it('the database or Kafka port closed on either side', () => {
      const objects = prod();
      named(objects, 'NetworkPolicy', 'notify')!.spec.egress.find((r: K8sObject['spec']) => r.ports[0].port === 9092).ports[0].port = 9093;
      expect(graphProblems(t, objects)).toEqual(expect.arrayContaining([expect.stringContaining('Rollout/notify → boxoffice-kafka-bootstrap:9092 (KAFKA_BROKERS): no NetworkPolicy lets it leave')]));
      const platform = copy(target('k8s/platform/envs/prod'));
      named(platform.objects, 'NetworkPolicy', 'postgres')!.spec.ingress[0].from[0].podSelector.matchLabels = { 'app.kubernetes.io/component': 'migration' };
      const topology = new Topology(t.objects, { ...platformFacts(t), platform: platform.objects });
      const { configs, jobEnvs } = serviceConfigs(t.objects);
      const { calls } = topology.calls(configs, jobEnvs);
      expect(callGraphProblems(t.objects, calls, topology.workloads.map((w) => ({ ...w, ports: w.ports })))).toEqual(expect.arrayContaining(['Rollout/login → postgres:5432 (DATABASE_URL): no NetworkPolicy lets it into postgres']));
    });
    it('the gateway’s principal removed from a service', () => {
      const objects = prod();
      named(objects, 'AuthorizationPolicy', 'checkout')!.spec.rules[0].from[0].source.principals = ['cluster.local/ns/istio-system/sa/istio-ingressgateway'];
      expect(graphProblems(t, objects)).toEqual(expect.arrayContaining([
        'the ingress gateway → checkout:8080 (VirtualService checkout): no AuthorizationPolicy admits cluster.local/ns/istio-ingress/sa/istio-ingressgateway',
        'AuthorizationPolicy checkout admits cluster.local/ns/istio-system/sa/istio-ingressgateway to Rollout/checkout, which never calls it on 8080',
      ]));
    });
  });
});

describe('ScaledObjects and PodMonitor reach what they measure', () => {
  it('KEDA ScaledObjects exist in the KEDA targets', () => {
    expect(apps.filter((t) => ofKind(t.objects, 'ScaledObject').length).length).toBeGreaterThan(0);
  });
});
