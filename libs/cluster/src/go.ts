import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ClusterError } from './progress';

const run = promisify(execFile);

/** The oldest Go that builds every pinned module; an older local Go fetches this one as a toolchain. */
export const MIN_GO = 'go1.26.0';
export const FALLBACK_TOOLCHAIN = 'go1.26.8';

export function compareGoVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^go/, '').split(/[.rc-]/).map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Environment for the go command: no VCS stamping, and a newer toolchain when the local one is too old. */
export async function goEnv(toolchain?: string): Promise<NodeJS.ProcessEnv> {
  let local: string;
  try {
    local = (await run('go', ['env', 'GOVERSION'])).stdout.trim();
  } catch {
    throw new ClusterError(`Go (${MIN_GO} or newer) is required to build the control plane from its Go modules — install Go and put it on PATH (the project's machines have it in /usr/local/go/bin)`);
  }
  const chosen = toolchain ?? (compareGoVersions(local, MIN_GO) < 0 ? FALLBACK_TOOLCHAIN : undefined);
  return {
    ...process.env,
    GOFLAGS: '-buildvcs=false',
    ...(chosen ? { GOTOOLCHAIN: chosen } : {}),
  };
}

/** Downloads a module version into the module cache and returns its directory. */
export async function moduleDir(modulePath: string, version: string, toolchain?: string): Promise<string> {
  const env = await goEnv(toolchain);
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `${modulePath}@${version}`], { env, maxBuffer: 16 * 1024 * 1024 });
    const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(info.Error ?? 'no directory');
    return info.Dir;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new ClusterError(`go mod download ${modulePath}@${version} failed: ${(e.stderr || e.stdout || e.message).trim().split('\n')[0]}`);
  }
}
