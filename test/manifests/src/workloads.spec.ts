import { appTargets, targets } from './support/cache';
import { containers, named, ofKind } from './support/objects';
import { findFiles, readRepoFile } from './support/repo';
import { parseAllDocuments } from 'yaml';

const deployed = [...appTargets(), ...targets('platform')];

function imageReference(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash
    ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest }
    : { name: withoutDigest, digest };
}

describe.each(deployed.map((t) => [t.id, t] as const))('workloads in %s', (_id, t) => {
  const all = containers(t.objects);

  it('has containers to check (the PodMonitor target has none)', () => {
    expect(all.length > 0).toBe(t.id !== 'k8s/platform/prometheus');
  });

  it('every container has CPU and memory requests and limits', () => {
    for (const { owner, container } of all) {
      const r = container.resources ?? {};
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter(
        (p) => r[p.split('.')[0]]?.[p.split('.')[1]] === undefined,
      );
      expect(`${owner.kind}/${owner.metadata.name}/${container.name}: ${missing.join(', ') || 'complete'}`).toMatch(/complete$/);
    }
  });

  it('every container runs non-root, read-only, without privilege escalation, all capabilities dropped', () => {
    for (const { owner, podSpec, container } of all) {
      const sc = container.securityContext ?? {};
      const where = `${owner.kind}/${owner.metadata.name}/${container.name}`;
      expect({ where, runAsNonRoot: sc.runAsNonRoot ?? podSpec.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
      expect({ where, readOnlyRootFilesystem: sc.readOnlyRootFilesystem }).toEqual({ where, readOnlyRootFilesystem: true });
      expect({ where, allowPrivilegeEscalation: sc.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
      expect({ where, drop: sc.capabilities?.drop }).toEqual({ where, drop: expect.arrayContaining(['ALL']) });
      expect({ where, privileged: sc.privileged ?? false }).toEqual({ where, privileged: false });
    }
  });

  it('every image is pinned (a tag other than latest, or a digest)', () => {
    for (const { owner, container } of all) {
      const ref = imageReference(container.image);
      const pinned = Boolean(ref.digest) || (ref.tag !== undefined && ref.tag !== 'latest');
      expect(`${owner.kind}/${owner.metadata.name}: ${container.image} ${pinned ? 'pinned' : 'NOT pinned'}`).toMatch(/ pinned$/);
    }
  });
});

describe.each(appTargets().map((t) => [t.id, t] as const))('Box Office services in %s', (_id, t) => {
  const rollouts = ofKind(t.objects, 'Rollout');

  it('are the three Rollouts', () => {
    expect(rollouts.map((r) => r.metadata.name).sort()).toEqual(['checkout', 'login', 'notify']);
  });

  it('have liveness, readiness and startup probes on /health/*', () => {
    for (const r of rollouts) {
      for (const c of r.spec.template.spec.containers) {
        expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(c.startupProbe?.httpGet?.path).toMatch(/^\/health\//);
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          const port = probe.httpGet.port;
          expect(c.ports.some((p: { name: string; containerPort: number }) => p.name === port || p.containerPort === port)).toBe(true);
        }
      }
    }
  });

  it('listen where the configuration says: PORT 8080 (http), METRICS_PORT 9464 (metrics)', () => {
    for (const r of rollouts) {
      const c = r.spec.template.spec.containers[0];
      const config = named(t.objects, 'ConfigMap', c.envFrom.map((e: { configMapRef: { name: string } }) => e.configMapRef.name).find((n: string) => n.startsWith(`${r.metadata.name}-config`)))!;
      const ports = Object.fromEntries(c.ports.map((p: { name: string; containerPort: number }) => [p.name, String(p.containerPort)]));
      expect(ports).toEqual({ http: config.data.PORT, metrics: config.data.METRICS_PORT });
    }
  });

  it('deploy one version per service: image tags, migrate image and SERVICE_VERSION agree', () => {
    for (const r of rollouts) {
      const name = r.metadata.name;
      const c = r.spec.template.spec.containers[0];
      const tag = imageReference(c.image).tag;
      const config = ofKind(t.objects, 'ConfigMap').find((m) => m.metadata.name.startsWith(`${name}-config`))!;
      expect({ name, SERVICE_VERSION: config.data.SERVICE_VERSION }).toEqual({ name, SERVICE_VERSION: tag });
      const migrate = named(t.objects, 'Job', `${name}-migrate`)!;
      expect(imageReference(migrate.spec.template.spec.containers[0].image)).toEqual({ name: `boxoffice/${name}-migrate`, tag, digest: imageReference(c.image).digest });
      expect(migrate.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    }
  });
});

describe('secrets', () => {
  it('no rendered manifest contains a Secret', () => {
    for (const t of targets()) expect(`${t.id}: ${ofKind(t.objects, 'Secret').length} Secrets`).toBe(`${t.id}: 0 Secrets`);
  });

  it('no YAML file in the repository defines a Secret with data', () => {
    const files = ['kustomize', 'rollouts', 'k8s', 'test/load'].flatMap((f) => findFiles(f, (n) => /\.ya?ml$/.test(n)));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      for (const doc of parseAllDocuments(readRepoFile(file))) {
        const o = doc.toJSON() as { kind?: string; data?: unknown; stringData?: unknown } | null;
        if (o?.kind === 'Secret') expect(`${file}: ${o.data || o.stringData ? 'Secret with data' : 'ok'}`).toBe(`${file}: ok`);
      }
    }
  });
});
