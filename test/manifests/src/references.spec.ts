import { appTargets, type RenderedTarget } from './support/cache';
import { named, ofKind, podTemplates, type K8sObject } from './support/objects';
import { bootstrap } from './support/environment';

/** Identities outside the app's manifests that policies may name: the Helm release that creates each (its ServiceAccount is named after the release). */
const PLATFORM_PRINCIPALS: Record<string, { chart: string }> = {
  'cluster.local/ns/istio-ingress/sa/istio-ingressgateway': { chart: 'istio/gateway' },
};

const subsetOf = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function podLabels(t: RenderedTarget): Array<Record<string, string>> {
  return podTemplates(t.objects).map(({ owner }) => owner.spec.template.metadata?.labels ?? {});
}

function rolloutAnalyses(rollout: K8sObject) {
  const s = rollout.spec.strategy;
  return [
    s.canary?.analysis,
    ...(s.canary?.steps ?? []).map((step: K8sObject['spec']) => step.analysis),
    s.blueGreen?.prePromotionAnalysis,
    s.blueGreen?.postPromotionAnalysis,
  ].filter(Boolean);
}

const cases = appTargets().map((t) => [t.id, t] as const);

describe.each(cases)('references hold in %s', (_id, t) => {
  const ns = t.objects.find((o) => o.kind === 'Namespace')!.metadata.name;
  const rollouts = ofKind(t.objects, 'Rollout');

  it('Rollout → Services (exist, select the Rollout’s pods)', () => {
    expect(rollouts.length).toBe(3);
    for (const r of rollouts) {
      const s = r.spec.strategy;
      const names = [s.canary?.canaryService, s.canary?.stableService, s.blueGreen?.activeService, s.blueGreen?.previewService].filter(Boolean);
      expect(names.length).toBe(2);
      for (const name of names) {
        const svc = named(t.objects, 'Service', name);
        expect(svc ? `${r.metadata.name} → Service ${name}` : `${r.metadata.name} → missing Service ${name}`).toBe(`${r.metadata.name} → Service ${name}`);
        expect(subsetOf(svc!.spec.selector, r.spec.template.metadata.labels)).toBe(true);
        expect(subsetOf(r.spec.selector.matchLabels, r.spec.template.metadata.labels)).toBe(true);
      }
    }
  });

  it('Rollout → VirtualService routes and DestinationRule subsets', () => {
    const routed = rollouts.filter((r) => r.spec.strategy.canary?.trafficRouting?.istio);
    expect(routed.length > 0).toBe(ofKind(t.objects, 'VirtualService').length > 0);
    for (const r of rollouts) {
      const istio = r.spec.strategy.canary?.trafficRouting?.istio;
      if (!istio) continue;
      const vs = named(t.objects, 'VirtualService', istio.virtualService.name);
      const dr = named(t.objects, 'DestinationRule', istio.destinationRule.name);
      expect(vs).toBeDefined();
      expect(dr).toBeDefined();
      const subsets = dr!.spec.subsets.map((s: { name: string }) => s.name);
      expect(subsets).toEqual(expect.arrayContaining([istio.destinationRule.canarySubsetName, istio.destinationRule.stableSubsetName]));
      for (const subset of dr!.spec.subsets) expect(subsetOf(subset.labels, r.spec.template.metadata.labels)).toBe(true);
      expect(named(t.objects, 'Service', dr!.spec.host)).toBeDefined();
      for (const routeName of istio.virtualService.routes) {
        const route = vs!.spec.http.find((h: { name?: string }) => h.name === routeName);
        expect(route ? routeName : `missing route ${routeName}`).toBe(routeName);
        // Exactly the two subsets of the DestinationRule's host, weights adding up to 100.
        const destinations = route.route.map((d: K8sObject['spec']) => `${d.destination.host}/${d.destination.subset}`).sort();
        expect(destinations).toEqual([`${dr!.spec.host}/${istio.destinationRule.canarySubsetName}`, `${dr!.spec.host}/${istio.destinationRule.stableSubsetName}`].sort());
        expect(route.route.reduce((sum: number, d: { weight: number }) => sum + d.weight, 0)).toBe(100);
      }
    }
  });

  it('VirtualService → Gateways, Services and DestinationRule subsets', () => {
    const gateways = ofKind(t.objects, 'Gateway');
    expect(ofKind(t.objects, 'VirtualService').length > 0).toBe(gateways.length > 0);
    for (const vs of ofKind(t.objects, 'VirtualService')) {
      for (const gw of vs.spec.gateways ?? []) {
        if (gw === 'mesh') continue;
        const gateway = named(t.objects, 'Gateway', gw);
        expect(gateway ? gw : `missing Gateway ${gw}`).toBe(gw);
        const external = vs.spec.hosts.filter((h: string) => h.includes('.'));
        const served = gateway!.spec.servers.flatMap((s: { hosts: string[] }) => s.hosts);
        for (const host of external) {
          expect(served.some((p: string) => p === host || (p.startsWith('*.') && host.endsWith(p.slice(1))))).toBe(true);
        }
      }
      for (const http of vs.spec.http) {
        for (const { destination } of http.route) {
          expect(named(t.objects, 'Service', destination.host)).toBeDefined();
          if (destination.subset) {
            const dr = ofKind(t.objects, 'DestinationRule').find((d) => d.spec.host === destination.host);
            expect(dr?.spec.subsets.map((s: { name: string }) => s.name)).toContain(destination.subset);
          }
          const svcPorts = named(t.objects, 'Service', destination.host)!.spec.ports.map((p: { port: number }) => p.port);
          if (destination.port) expect(svcPorts).toContain(destination.port.number);
        }
      }
    }
    expect(gateways.length).toBeLessThanOrEqual(1);
  });

  it('Rollout → AnalysisTemplates, with every argument supplied and used', () => {
    for (const r of rollouts) {
      const analyses = rolloutAnalyses(r);
      expect(analyses.length).toBeGreaterThan(0);
      for (const analysis of analyses) {
        const templates = analysis.templates.map((ref: { templateName: string }) => {
          const template = named(t.objects, 'AnalysisTemplate', ref.templateName);
          expect(template ? ref.templateName : `missing AnalysisTemplate ${ref.templateName}`).toBe(ref.templateName);
          return template!;
        });
        const supplied = (analysis.args ?? []).map((a: { name: string }) => a.name).sort();
        const required = new Set<string>();
        const declared = new Set<string>();
        for (const template of templates) {
          for (const arg of template.spec.args ?? []) {
            declared.add(arg.name);
            if (arg.value === undefined && arg.valueFrom === undefined) required.add(arg.name);
          }
          // Every {{args.x}} a metric uses is a declared argument.
          for (const m of JSON.stringify(template.spec.metrics).matchAll(/\{\{\s*args\.([\w-]+)\s*\}\}/g)) {
            expect(declared.has(m[1]) ? m[1] : `${template.metadata.name} uses undeclared args.${m[1]}`).toBe(m[1]);
          }
        }
        expect(supplied).toEqual(expect.arrayContaining([...required]));
        for (const name of supplied) expect(declared.has(name) ? name : `${r.metadata.name} passes unused arg ${name}`).toBe(name);
        const byName = Object.fromEntries((analysis.args ?? []).map((a: { name: string }) => [a.name, a]));
        if (byName['service-name']) expect(byName['service-name'].value).toBe(r.metadata.name);
        if (byName['canary-hash']) expect(byName['canary-hash'].valueFrom.podTemplateHashValue).toBe('Latest');
      }
    }
  });

  it('ScaledObject → Rollout, and KEDA owns its replica count', () => {
    for (const so of ofKind(t.objects, 'ScaledObject')) {
      const ref = so.spec.scaleTargetRef;
      expect(ref.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(ref.kind).toBe('Rollout');
      const rollout = named(t.objects, 'Rollout', ref.name);
      expect(rollout ? ref.name : `missing Rollout ${ref.name}`).toBe(ref.name);
      // Inline template, not workloadRef (KEDA resolves the pod template inline only).
      expect(rollout!.spec.workloadRef).toBeUndefined();
      expect(rollout!.spec.replicas).toBeUndefined();
      expect(so.spec.minReplicaCount).toBeLessThanOrEqual(so.spec.maxReplicaCount);
    }
  });

  it('AuthorizationPolicy principals → ServiceAccounts that exist', () => {
    const policies = ofKind(t.objects, 'AuthorizationPolicy');
    expect(policies.length > 0).toBe(ofKind(t.objects, 'PeerAuthentication').length > 0);
    for (const policy of policies) {
      for (const rule of policy.spec.rules ?? []) {
        for (const from of rule.from ?? []) {
          for (const principal of from.source.principals ?? []) {
            const m = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
            expect(m ? principal : `malformed principal ${principal}`).toBe(principal);
            const [, principalNs, sa] = m!;
            if (principalNs === ns) {
              expect(named(t.objects, 'ServiceAccount', sa) ? sa : `${policy.metadata.name}: no ServiceAccount ${sa}`).toBe(sa);
            } else {
              const platform = PLATFORM_PRINCIPALS[principal];
              expect(platform ? principal : `${policy.metadata.name}: unknown identity ${principal}`).toBe(principal);
              // Installed by a command of the bootstrap script (not merely named in a comment).
              const release = bootstrap().releases.find((r) => r.chart === platform.chart);
              expect(release && `cluster.local/ns/${release.namespace}/sa/${release.release}`).toBe(principal);
            }
          }
        }
      }
      if (policy.spec.selector) {
        expect(podLabels(t).some((labels) => subsetOf(policy.spec.selector.matchLabels, labels))).toBe(true);
      }
    }
  });

  it('RequestAuthentication points at login’s JWKS with login’s issuer and audience', () => {
    const login = ofKind(t.objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('login-config'))!;
    const requestAuth = ofKind(t.objects, 'RequestAuthentication');
    expect(requestAuth.length > 0).toBe(ofKind(t.objects, 'PeerAuthentication').length > 0);
    for (const ra of requestAuth) {
      expect(ra.spec.jwtRules.length).toBeGreaterThan(0);
      for (const rule of ra.spec.jwtRules) {
        expect(rule.issuer).toBe(login.data.JWT_ISSUER);
        expect(rule.audiences).toContain(login.data.JWT_AUDIENCE);
        const url = new URL(rule.jwksUri);
        expect(url.hostname).toBe(`login.${ns}.svc.cluster.local`);
        expect(named(t.objects, 'Service', 'login')!.spec.ports.map((p: { port: number }) => String(p.port))).toContain(url.port);
        expect(url.pathname).toBe('/.well-known/jwks.json');
      }
    }
  });

  it('pod templates → ConfigMaps, ServiceAccounts; Secrets are created outside git', () => {
    // Secrets the bootstrap script's commands create (a name in a comment does not count).
    const created = bootstrap().secrets.map((s) => s.name);
    expect(podTemplates(t.objects).length).toBeGreaterThanOrEqual(6);
    for (const { owner, spec } of podTemplates(t.objects)) {
      const where = `${owner.kind}/${owner.metadata.name}`;
      if (spec.serviceAccountName) expect(named(t.objects, 'ServiceAccount', spec.serviceAccountName) ? where : `${where}: no SA`).toBe(where);
      const configMaps = new Set<string>();
      const secrets = new Set<string>();
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) configMaps.add(e.configMapRef.name);
          if (e.secretRef) secrets.add(e.secretRef.name);
        }
        for (const e of c.env ?? []) {
          if (e.valueFrom?.configMapKeyRef) configMaps.add(e.valueFrom.configMapKeyRef.name);
          if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap) configMaps.add(v.configMap.name);
        if (v.secret) secrets.add(v.secret.secretName);
      }
      for (const cm of configMaps) expect(named(t.objects, 'ConfigMap', cm) ? cm : `${where}: no ConfigMap ${cm}`).toBe(cm);
      for (const secret of secrets) {
        expect(named(t.objects, 'Secret', secret)).toBeUndefined();
        expect(created.includes(secret) ? secret : `${where}: Secret ${secret} is not created by k8s/bootstrap/bootstrap.sh`).toBe(secret);
      }
    }
  });

  it('Services, PodDisruptionBudgets and NetworkPolicies select pods that exist', () => {
    const labels = podLabels(t);
    for (const kind of ['Service', 'PodDisruptionBudget', 'NetworkPolicy']) expect(ofKind(t.objects, kind).length).toBeGreaterThan(0);
    for (const svc of ofKind(t.objects, 'Service')) expect(labels.some((l) => subsetOf(svc.spec.selector, l))).toBe(true);
    for (const pdb of ofKind(t.objects, 'PodDisruptionBudget')) expect(labels.some((l) => subsetOf(pdb.spec.selector.matchLabels, l))).toBe(true);
    for (const np of ofKind(t.objects, 'NetworkPolicy')) {
      const sel = np.spec.podSelector;
      const matches = labels.some((l) =>
        subsetOf(sel.matchLabels, l) &&
        (sel.matchExpressions ?? []).every((e: { key: string; operator: string; values: string[] }) => e.operator === 'In' && e.values.includes(l[e.key])),
      );
      expect(matches ? np.metadata.name : `NetworkPolicy ${np.metadata.name} selects no pod`).toBe(np.metadata.name);
    }
  });
});
