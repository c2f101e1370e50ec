import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleDir } from './go';
import { kubectl } from './kubectl';
import type { ClusterLayout } from './layout';
import { say, seconds } from './progress';
import { VERSIONS } from './versions';

/** Where each platform's CRDs live inside its upstream module zip, at the pinned version. */
export const CRD_SOURCES = [
  { name: 'Argo Rollouts', module: 'github.com/argoproj/argo-rollouts', version: VERSIONS.argoRollouts, path: 'manifests/crds' },
  { name: 'KEDA', module: 'github.com/kedacore/keda/v2', version: VERSIONS.keda, path: 'config/crd/bases' },
  { name: 'Istio', module: 'istio.io/istio', version: VERSIONS.istio, path: 'manifests/charts/base/files/crd-all.gen.yaml' },
  { name: 'Argo CD', module: 'github.com/argoproj/argo-cd/v3', version: VERSIONS.argoCd, path: 'manifests/crds', toolchain: VERSIONS.argoCdGoToolchain },
  {
    name: 'prometheus-operator',
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: VERSIONS.prometheusOperator,
    path: 'example/prometheus-operator-crd',
    only: ['monitoring.coreos.com_podmonitors.yaml', 'monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml'],
  },
] as const;

/** Kinds no Go module here carries CRDs for: objects of these kinds are skipped, and said so. */
export const UNAVAILABLE_CRD_GROUPS = [{ group: 'kafka.strimzi.io', name: 'Strimzi', why: 'Strimzi publishes its CRDs as release files, not in a Go module' }];

function crdFiles(dir: string, path: string, only?: readonly string[]): string[] {
  const full = join(dir, path);
  if (full.endsWith('.yaml')) return [full];
  return readdirSync(full)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && (!only || only.includes(f)))
    .map((f) => join(full, f));
}

/** Applies every upstream CRD (server-side) and waits until all are Established. Skipped when this set is already in. */
export async function installCrds(layout: ClusterLayout): Promise<void> {
  const marker = join(layout.stateDir, 'crds.installed');
  const stamp = JSON.stringify(CRD_SOURCES.map((s) => `${s.module}@${s.version}`));
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return;
  const started = Date.now();
  for (const source of CRD_SOURCES) {
    const dir = await moduleDir(source.module, source.version, 'toolchain' in source ? source.toolchain : undefined);
    const files = crdFiles(dir, source.path, 'only' in source ? source.only : undefined);
    await kubectl(layout, ['apply', '--server-side', '--force-conflicts', '--field-manager=boxoffice-cluster', ...files.flatMap((f) => ['-f', f])]);
    say(`CRDs: ${source.name} ${source.version} (${files.length} file${files.length === 1 ? '' : 's'})`);
  }
  await kubectl(layout, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
  for (const missing of UNAVAILABLE_CRD_GROUPS) say(`CRDs: ${missing.name} not installed — ${missing.why}; its objects are skipped`);
  writeFileSync(marker, stamp);
  say(`CRDs established (${seconds(started)})`);
}
