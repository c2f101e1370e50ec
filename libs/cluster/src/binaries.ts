import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { goEnv } from './go';
import { CLUSTER_LIB } from './layout';
import { ClusterError, say, seconds } from './progress';
import { VERSIONS } from './versions';

/** A binary built from a Go module: a wrapper module of ours (libs/cluster/go/<dir>) or `go install pkg@version`. */
export interface GoBinary {
  name: string;
  version: string;
  package: string;
  /** Wrapper module under libs/cluster/go; without it the package is `go install`ed at `version`. */
  wrapper?: string;
  ldflags?: string;
}

function kubernetesLdflags(version: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const stamp = (pkg: string) =>
    [`gitVersion=${version}`, `gitMajor=${major}`, `gitMinor=${minor}`, 'gitTreeState=clean', 'buildDate=1970-01-01T00:00:00Z'].map((kv) => `-X ${pkg}.${kv}`);
  return ['-s', '-w', ...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')].join(' ');
}

const k8s = (name: string): GoBinary => ({
  name,
  version: VERSIONS.kubernetes,
  package: `k8s.io/kubernetes/cmd/${name}`,
  wrapper: 'kubernetes',
  ldflags: kubernetesLdflags(VERSIONS.kubernetes),
});

export const BINARIES = {
  kubeApiserver: k8s('kube-apiserver'),
  kubeControllerManager: k8s('kube-controller-manager'),
  kubeScheduler: k8s('kube-scheduler'),
  kubectl: k8s('kubectl'),
  kwok: { name: 'kwok', version: VERSIONS.kwok, package: 'sigs.k8s.io/kwok/cmd/kwok', ldflags: '-s -w' },
  rolloutsController: {
    name: 'rollouts-controller',
    version: VERSIONS.argoRollouts,
    package: 'github.com/argoproj/argo-rollouts/cmd/rollouts-controller',
    wrapper: 'argo-rollouts',
    ldflags: '-s -w',
  },
  kedaOperator: { name: 'keda-operator', version: VERSIONS.keda, package: 'github.com/kedacore/keda/v2/cmd/operator', wrapper: 'keda', ldflags: '-s -w' },
  istioctl: { name: 'istioctl', version: VERSIONS.istio, package: 'istio.io/istio/istioctl/cmd/istioctl', ldflags: '-s -w' },
} satisfies Record<string, GoBinary>;

/** Cache key: name, version and a digest of everything that decides the build (wrapper go.mod/go.sum, flags). */
export function cacheKey(binary: GoBinary): string {
  const digest = createHash('sha256').update(binary.package).update(binary.ldflags ?? '');
  if (binary.wrapper) {
    for (const file of ['go.mod', 'go.sum']) digest.update(readFileSync(join(CLUSTER_LIB, 'go', binary.wrapper, file)));
  }
  return `${binary.name}-${binary.version}-${digest.digest('hex').slice(0, 10)}`;
}

export function binaryPath(cacheDir: string, binary: GoBinary): string {
  return join(cacheDir, cacheKey(binary), binary.name);
}

/** Builds the binary once into the cache; later calls return the cached path at once. */
export async function ensureBinary(cacheDir: string, binary: GoBinary): Promise<string> {
  const target = binaryPath(cacheDir, binary);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  // Two checkouts (or a test tier and a CLI) may ask at once: one builds, the other waits for it.
  const lock = join(cacheDir, `${cacheKey(binary)}.lock`);
  while (!tryLock(lock)) {
    if (existsSync(target)) return target;
    await sleep(2000);
  }
  try {
    if (existsSync(target)) return target;
    await build(cacheDir, binary);
    return target;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Takes the lock file, or clears it when the process that holds it is gone. */
function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch {
    try {
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && !existsSync(`/proc/${holder}`)) rmSync(lock, { force: true });
    } catch {
      // released in the meantime: the next try takes it
    }
    return false;
  }
}

async function build(cacheDir: string, binary: GoBinary): Promise<void> {
  const dir = join(cacheDir, cacheKey(binary));
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const log = join(cacheDir, `${binary.name}.build.log`);
  const env = await goEnv();
  const args = binary.wrapper
    ? ['build', '-trimpath', '-ldflags', binary.ldflags ?? '', '-o', join(partial, binary.name), binary.package]
    : ['install', '-trimpath', '-ldflags', binary.ldflags ?? '', `${binary.package}@${binary.version}`];
  const started = Date.now();
  say(`building ${binary.name} ${binary.version} from its Go module (once; log: ${log})`);
  await runLogged('go', args, {
    cwd: binary.wrapper ? join(CLUSTER_LIB, 'go', binary.wrapper) : partial,
    env: binary.wrapper ? env : { ...env, GOBIN: partial },
    log,
    heartbeat: (elapsed) => say(`  still building ${binary.name} (${elapsed})`),
  }).catch((error: Error) => {
    throw new ClusterError(`building ${binary.name} ${binary.version} failed: ${error.message} — see ${log}`);
  });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  say(`built ${binary.name} ${binary.version} in ${seconds(started)}`);
}

interface RunLoggedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
  heartbeat: (elapsed: string) => void;
}

function runLogged(command: string, args: string[], options: RunLoggedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(options.log);
    const started = Date.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setInterval(() => options.heartbeat(seconds(started)), 60_000);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      out.end();
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0]} exited with ${code}`));
    });
  });
}
