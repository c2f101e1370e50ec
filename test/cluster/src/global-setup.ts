import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const cluster = (...args: string[]) =>
  execFileSync(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'libs/cluster/src/cli.ts'), ...args], { stdio: 'inherit', cwd: root });

/**
 * Brings this checkout's cluster up, or reuses it (`cluster up` is idempotent), and starts the
 * local environment afresh: the specs deploy it from nothing, as a first sync would. A child
 * process, because Jest's global setup does not resolve the workspace's path aliases.
 */
export default function globalSetup(): void {
  cluster('up');
  cluster('kubectl', 'delete', 'namespace', 'boxoffice-local', '--ignore-not-found', '--wait=true', '--timeout=180s');
}
