import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { moduleDir } from './go';
import { kubectl } from './kubectl';
import type { ClusterLayout } from './layout';
import { VERSIONS } from './versions';

/** kwok v0.8 has no built-in stages: the node and pod lifecycles come from its own module, rendered once. */
export async function writeKwokStages(layout: ClusterLayout): Promise<void> {
  const dir = await moduleDir('sigs.k8s.io/kwok', VERSIONS.kwok);
  const stages = ['node/fast', 'node/heartbeat-with-lease', 'pod/fast'];
  const rendered = await Promise.all(stages.map((stage) => kubectl(layout, ['kustomize', join(dir, 'kustomize/stage', stage)])));
  writeFileSync(join(layout.stateDir, 'kwok-stages.yaml'), rendered.map((r) => r.stdout.trim()).join('\n---\n') + '\n');
}

/** Prometheus scrapes the controllers of this cluster; the cluster tier and the canary add their own jobs. */
export function writePrometheusConfig(layout: ClusterLayout): void {
  const job = (name: string, port: number) => ({ job_name: name, static_configs: [{ targets: [`127.0.0.1:${port}`] }] });
  const config = {
    global: { scrape_interval: '5s', evaluation_interval: '5s' },
    scrape_configs: [
      job('prometheus', layout.port('prometheus')),
      job('argo-rollouts', layout.port('rolloutsMetrics')),
      job('keda-operator', layout.port('kedaMetrics')),
    ],
  };
  writeFileSync(join(layout.stateDir, 'prometheus.yml'), stringify(config));
}

/** The fake node kwok manages: no kubelet, pods become Running and Ready by kwok's stages. */
export const FAKE_NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'kwok-node-0',
    annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    labels: {
      'kubernetes.io/hostname': 'kwok-node-0',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node-role.kubernetes.io/agent': '',
      type: 'kwok',
      'topology.kubernetes.io/zone': 'local-a',
    },
  },
  status: {
    allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
    capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
    phase: 'Running',
  },
};

export async function ensureFakeNode(layout: ClusterLayout): Promise<void> {
  await kubectl(layout, ['apply', '--server-side', '--field-manager=boxoffice-cluster', '-f', '-'], JSON.stringify(FAKE_NODE));
}

export function writeEnvFile(layout: ClusterLayout, binDir: string): string {
  const lines = envLines(layout, binDir);
  writeFileSync(join(layout.stateDir, 'env'), lines.join('\n') + '\n');
  return lines.join('\n');
}

export function envLines(layout: ClusterLayout, binDir: string): string[] {
  const vars: Record<string, string> = {
    KUBECONFIG: layout.kubeconfig,
    BOXOFFICE_CLUSTER_DIR: layout.stateDir,
    BOXOFFICE_PROMETHEUS_URL: `http://127.0.0.1:${layout.port('prometheus')}`,
  };
  return [...Object.entries(vars).map(([k, v]) => `export ${k}=${shellQuote(v)}`), `export PATH=${shellQuote(binDir)}:"$PATH"`];
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
