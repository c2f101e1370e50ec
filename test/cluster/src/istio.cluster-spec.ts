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
import { BINARIES, ensureBinary, LOCAL_NAMESPACE } from '@boxoffice/cluster';
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

/** Findings that only say there is no data plane (no gateway pods, no sidecars, no istiod). */
const NO_DATA_PLANE_FINDINGS: { code: string; reason: string }[] = [
  { code: 'IST0101', reason: 'ReferencedResourceNotFound for the ingress gateway selector: no gateway pods run here' },
  { code: 'IST0103', reason: 'PodMissingProxy: kwok pods have no containers, so no sidecar' },
  { code: 'IST0102', reason: 'NamespaceNotInjected: the analyzer asks for injection labels no webhook here acts on' },
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

const describeFinding = (f: Finding) => `${f.level} [${f.code}] ${f.origin}: ${f.message ?? ''}`;
const unexpected = (findings: Finding[]) => findings.filter((f) => !NO_DATA_PLANE_FINDINGS.some((d) => d.code === f.code)).map(describeFinding);

describe('istioctl analyze', () => {
  it.each(['kustomize/overlays/dev', 'kustomize/overlays/staging', 'kustomize/overlays/prod', 'kustomize/overlays/local'])(
    '%s, rendered (no cluster): no findings',
    async (overlay) => {
      const dir = mkdtempSync(join(tmpdir(), 'istio-analyze-'));
      try {
        const file = join(dir, 'rendered.json');
        writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: await renderTarget(overlay) }));
        const findings = await analyze(['--use-kube=false', '--all-namespaces', file]);
        expect(findings.map(describeFinding)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('the live local environment: only the documented no-data-plane findings', async () => {
    expect((await localObjects()).length).toBeGreaterThan(0);
    const findings = await analyze(['--namespace', LOCAL_NAMESPACE]);
    expect(unexpected(findings)).toEqual([]);
  });
});
