import { appTargets, targets } from './support/cache';
import { readYaml, kustomizationFiles } from './support/repo';
import { componentDirs, strategyDirs } from './support/targets';

describe('every kustomization builds with kubectl kustomize', () => {
  it.each(targets().map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(t.error).toBeUndefined();
    expect(t.objects.length).toBeGreaterThan(0);
  });

  it('covers every overlay and every combination of components', () => {
    const ids = targets().map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['kustomize/overlays/dev', 'kustomize/overlays/staging', 'kustomize/overlays/prod']));
    const generated = targets('generated');
    expect(generated).toHaveLength(2 ** componentDirs().length + 2 * strategyDirs().length);
    expect(componentDirs().length).toBeGreaterThanOrEqual(3);
  });
});

describe('kustomizations', () => {
  it.each(kustomizationFiles())('%s uses no namePrefix or nameSuffix', (file) => {
    const k = readYaml<Record<string, unknown>>(file) ?? {};
    // Renaming would break Service hosts in VirtualServices, KEDA targets and Rollout refs.
    expect(k.namePrefix).toBeUndefined();
    expect(k.nameSuffix).toBeUndefined();
  });

  it('put every Box Office object into the environment namespace, never a name prefix', () => {
    for (const t of appTargets()) {
      const ns = t.objects.find((o) => o.kind === 'Namespace')?.metadata.name;
      expect(ns).toMatch(/^boxoffice-/);
      for (const o of t.objects.filter((x) => x.kind !== 'Namespace')) {
        expect(`${t.id}: ${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(
          `${t.id}: ${o.kind}/${o.metadata.name} in ${ns}`,
        );
      }
    }
  });

  it('leave no placeholder unreplaced (NAMESPACE, DOMAIN)', () => {
    for (const t of appTargets()) {
      // The k6 script's own text mentions DOMAIN as an environment variable name.
      const checked = t.objects.filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name.startsWith('k6-scripts')));
      const text = JSON.stringify(checked).replace(/"DOMAIN":/g, '');
      expect(`${t.id}: ${/\bNAMESPACE\b|\bDOMAIN\b/.exec(text)?.[0] ?? 'none'}`).toBe(`${t.id}: none`);
    }
  });
});
