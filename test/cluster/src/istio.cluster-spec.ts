/**
 * istioctl analyze, the kept tool for Istio's meaning (references, selectors, deprecated fields),
 * on the rendered overlays and against the live API. No Envoy/istiod data plane runs here: the
 * findings that only say so are documented and allowed; anything else fails.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { BINARIES, ensureBinary, LOCAL_NAMESPACE, type K8sObject } from '@boxoffice/cluster';
import { layout } from './support/kube';
import { localObjects } from './support/local';
import { renderTarget } from './support/targets';

const run = promisify(execFile);

interface Finding {
  code: string;
  level: string;
  origin: string;
  message?: string;
}

/** Findings that only say there is no data plane (no gateway pods, no sidecars) or that notify is at zero; anything else fails. */
const NO_DATA_PLANE_FINDINGS: { code: string; message: RegExp; reason: string }[] = [
  { code: 'IST0101', message: /^Referenced selector not found: "istio=ingressgateway"$/, reason: 'the Gateway selects the ingress gateway pods, which do not run here' },
  { code: 'IST0103', message: /^The pod \S+ is missing the Istio proxy\./, reason: 'kwok pods run no containers, so no sidecar is injected' },
  {
    code: 'IST0127',
    message: /^No matching workloads for this resource with the following labels: app\.kubernetes\.io\/name=notify$/,
    reason: 'notify scales to zero in dev and local (KEDA) when there is no lag, so its policy has no pod to match',
  },
];

async function analyze(args: string[]): Promise<Finding[]> {
  const istioctl = await ensureBinary(layout.cacheDir, BINARIES.istioctl);
  const result = await run(istioctl, ['analyze', '--output', 'json', '--failure-threshold', 'Error', ...args], {
    env: { ...process.env, KUBECONFIG: layout.kubeconfig },
    maxBuffer: 32 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    // analyze exits non-zero when it finds anything at the threshold; the JSON still comes on stdout.
    if (!error.stdout?.trim().startsWith('[')) throw new Error(`istioctl analyze failed (${error.code}): ${error.stderr ?? ''}`);
    return { stdout: error.stdout };
  });
  const text = result.stdout.trim();
  return text.startsWith('[') ? (JSON.parse(text) as Finding[]) : [];
}

/**
 * One YAML document per object: istioctl reads a multi-document file object by object, while a
 * `List` holding kinds it does not know (Rollouts, ScaledObjects) is dropped whole, silently.
 */
function writeRendered(dir: string, objects: K8sObject[]): string {
  const file = join(dir, 'rendered.yaml');
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

const describeFinding = (f: Finding) => `${f.level} [${f.code}] ${f.origin}: ${f.message ?? ''}`;
const unexpected = (findings: Finding[]) =>
  findings.filter((f) => !NO_DATA_PLANE_FINDINGS.some((d) => d.code === f.code && d.message.test(f.message ?? ''))).map(describeFinding);

describe('istioctl analyze', () => {
  it.each(['kustomize/overlays/dev', 'kustomize/overlays/staging', 'kustomize/overlays/prod', 'kustomize/overlays/local'])(
    '%s, rendered (no cluster): no findings',
    async (overlay) => {
      const dir = mkdtempSync(join(tmpdir(), 'istio-analyze-'));
      try {
        const file = writeRendered(dir, await renderTarget(overlay));
        const findings = await analyze(['--use-kube=false', '--all-namespaces', file]);
        expect(findings.map(describeFinding)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('reports a VirtualService bound to a Gateway that does not exist (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-analyze-'));
    try {
      const objects = await renderTarget('kustomize/overlays/local');
      const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'checkout');
      if (!vs) throw new Error('the local overlay has no VirtualService checkout');
      vs.spec.gateways = vs.spec.gateways.map((g: string) => (g === 'mesh' ? g : 'boxoffice-gatewy'));
      const file = writeRendered(dir, objects);
      const findings = await analyze(['--use-kube=false', '--all-namespaces', file]);
      expect(findings.map(describeFinding)).toEqual(expect.arrayContaining([expect.stringMatching(/IST0101.*Referenced gateway not found: "boxoffice-gatewy"/)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the live local environment: only the documented no-data-plane findings', async () => {
    expect((await localObjects()).length).toBeGreaterThan(0);
    const findings = await analyze(['--namespace', LOCAL_NAMESPACE]);
    expect(unexpected(findings)).toEqual([]);
  });
});
