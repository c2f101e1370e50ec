import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { ClusterError, say } from './progress';

const run = promisify(execFile);

const DEBIAN_PACKAGES: Record<string, string> = { etcd: 'etcd-server', prometheus: 'prometheus' };

function onPath(command: string): boolean {
  return ['/usr/bin', '/usr/local/bin', '/usr/sbin', '/bin'].some((dir) => existsSync(`${dir}/${command}`));
}

/** etcd and Prometheus come from Debian: installed with apt when run as root, else one line naming the command. */
export async function ensureDebianPackages(): Promise<void> {
  const missing = Object.entries(DEBIAN_PACKAGES).filter(([command]) => !onPath(command));
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg);
  const canInstall = process.getuid?.() === 0 && onPath('apt-get') && !process.env.BOXOFFICE_NO_INSTALL;
  if (!canInstall) throw new ClusterError(`missing ${missing.map(([c]) => c).join(', ')} — install: apt-get install --no-install-recommends ${packages.join(' ')}`);
  say(`installing ${packages.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update', '-qq'], { env });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new ClusterError(`apt-get install ${packages.join(' ')} failed: ${(error as Error).message.split('\n')[0]}`);
  }
}
