import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARIES, ensureBinary } from './binaries';
import { ensureFakeNode, writeEnvFile, writeKwokStages, writePrometheusConfig } from './config-files';
import { installCrds } from './crds';
import { kubectl } from './kubectl';
import type { ClusterLayout } from './layout';
import { clusterParts, PART_NAMES, type Part, type PartName } from './parts';
import { ensureCredentials, writeKubeconfig } from './pki';
import { ensureDebianPackages } from './prerequisites';
import { logTail, runningPid, startDetached, stopProcess, type ProcessSpec } from './processes';
import { probeOnce, waitUntilReady } from './probe';
import { ClusterError, say, seconds } from './progress';

export function processSpec(layout: ClusterLayout, part: Part, command: string): ProcessSpec {
  return {
    command,
    args: part.args,
    // etcd 3.4 lacks the watch-progress feature that newer client-go's streaming list needs;
    // without this the controllers (kwok's client-go is v0.36) fall back only after a relist.
    env: { ...(part.env ?? process.env), KUBE_FEATURE_WatchListClient: 'false' },
    cwd: layout.stateDir,
    pidFile: join(layout.stateDir, `${part.name}.pid`),
    logFile: logFile(layout, part.name),
    marker: layout.stateDir,
  };
}

export function logFile(layout: ClusterLayout, part: string): string {
  return join(layout.stateDir, 'logs', `${part}.log`);
}

const pidRef = (layout: ClusterLayout, name: string) => ({ pidFile: join(layout.stateDir, `${name}.pid`), marker: layout.stateDir });

/** Builds (once) every binary the cluster and its tests use, one progress line per binary. */
export async function buildAll(layout: ClusterLayout): Promise<string> {
  const binDir = join(layout.stateDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const binary of Object.values(BINARIES)) {
    const path = await ensureBinary(layout.cacheDir, binary);
    const link = join(binDir, binary.name);
    rmSync(link, { force: true });
    symlinkSync(path, link);
  }
  return binDir;
}

/** Starts whatever is not running yet, in dependency order, waiting for each part's readiness. Idempotent. */
export async function up(layout: ClusterLayout): Promise<void> {
  const started = Date.now();
  for (const dir of ['logs', 'keda-certs', 'keda-ca']) mkdirSync(join(layout.stateDir, dir), { recursive: true });
  writeFileSync(join(layout.stateDir, 'checkout'), layout.repoRoot);
  say(`checkout ${layout.repoRoot} → state ${layout.stateDir} (API server https://127.0.0.1:${layout.port('apiserver')}, ports ${layout.portBase}–${layout.portBase + 12})`);
  await ensureDebianPackages();
  const credentials = ensureCredentials(layout);
  const parts = clusterParts(layout, credentials);
  writePrometheusConfig(layout);
  ensureKedaCertificates(join(layout.stateDir, 'keda-certs'));

  const after: Partial<Record<PartName, () => Promise<void>>> = {
    apiserver: async () => {
      writeKubeconfig(layout, credentials);
      await kubectl(layout, ['apply', '--server-side', '--field-manager=boxoffice-cluster', '-f', '-'], namespaces('keda', 'monitoring', 'argocd'));
      await installCrds(layout);
      if (!existsSync(join(layout.stateDir, 'kwok-stages.yaml'))) await writeKwokStages(layout);
    },
    kwok: () => ensureFakeNode(layout),
  };
  for (const name of PART_NAMES) {
    await startPart(layout, parts[name]);
    await after[name]?.();
  }
  // Each part built its own binary on the way; this adds kubectl and istioctl and links them all for `env`.
  writeEnvFile(layout, await buildAll(layout));
  say(`up (${seconds(started)}); env: eval "$(npm run -s cluster -- env)" (kubectl, istioctl and KUBECONFIG for this cluster)`);
}

async function startPart(layout: ClusterLayout, part: Part): Promise<void> {
  const ref = pidRef(layout, part.name);
  const existing = runningPid(ref);
  if (existing !== undefined && (await probeOnce(part.probe()))) {
    say(`${part.name}: already running (pid ${existing})`);
    return;
  }
  if (existing !== undefined) await stopProcess(ref);
  const command = await part.binary();
  const t0 = Date.now();
  const spec = processSpec(layout, part, command);
  const pid = startDetached(spec);
  const outcome = await waitUntilReady(part.probe, () => runningPid(ref) !== undefined, part.readyTimeoutMs);
  if (outcome !== 'ready') {
    const tail = logTail(spec.logFile);
    if (outcome === 'timeout') await stopProcess(ref);
    throw new ClusterError(`${part.name} ${outcome === 'exited' ? 'exited during start' : `was not ready within ${part.readyTimeoutMs / 1000} s`} — last lines of ${spec.logFile}:\n${tail}`);
  }
  say(`${part.name}: ready (pid ${pid}, ${seconds(t0)})`);
}

/** A self-signed serving certificate for KEDA's gRPC metrics service (tls.crt, tls.key, ca.crt), made once. */
function ensureKedaCertificates(dir: string): void {
  if (existsSync(join(dir, 'tls.crt'))) return;
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=keda-operator', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  } catch {
    throw new ClusterError('openssl is needed to make the KEDA operator a certificate — install it: apt-get install openssl');
  }
  copyFileSync(join(dir, 'tls.crt'), join(dir, 'ca.crt'));
}

function namespaces(...names: string[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) });
}

/** Stops the parts in reverse order: controllers first, the API server before etcd (it hangs on SIGTERM without etcd). */
export async function down(layout: ClusterLayout): Promise<void> {
  const started = Date.now();
  let stopped = 0;
  for (const name of [...PART_NAMES].reverse()) {
    if (await stopProcess(pidRef(layout, name), name === 'etcd' ? 30_000 : 15_000)) {
      stopped++;
      say(`${name}: stopped`);
    }
  }
  say(stopped ? `down (${stopped} parts stopped, ${seconds(started)})` : 'down (nothing was running)');
}

export interface PartStatus {
  name: PartName;
  pid?: number;
  ready: boolean;
  url: string;
}

export async function status(layout: ClusterLayout): Promise<PartStatus[]> {
  if (!existsSync(layout.stateDir)) return PART_NAMES.map((name) => ({ name, ready: false, url: '-' }));
  const credentials = ensureCredentials(layout);
  const parts = clusterParts(layout, credentials);
  return Promise.all(
    PART_NAMES.map(async (name) => {
      const pid = runningPid(pidRef(layout, name));
      const probe = parts[name].probe();
      return { name, pid, ready: pid !== undefined && (await probeOnce(probe)), url: probe.url };
    }),
  );
}

export async function reset(layout: ClusterLayout): Promise<void> {
  await down(layout);
  if (!existsSync(layout.stateDir)) return say(`reset: nothing to delete (${layout.stateDir} does not exist)`);
  const owner = join(layout.stateDir, 'checkout');
  if (existsSync(owner) && readFileSync(owner, 'utf8') !== layout.repoRoot) {
    throw new ClusterError(`refusing to delete ${layout.stateDir}: it belongs to another checkout`);
  }
  rmSync(layout.stateDir, { recursive: true, force: true });
  say(`reset: deleted ${layout.stateDir}`);
}
