import { createHash } from 'node:crypto';
import { homedir, userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const CLUSTER_LIB = join(REPO_ROOT, 'libs/cluster');

/** The port of each part, relative to this checkout's base. All of them bind to 127.0.0.1. */
export const PORT_OFFSETS = {
  etcdClient: 0,
  etcdPeer: 1,
  apiserver: 2,
  controllerManager: 3,
  scheduler: 4,
  kwok: 5,
  rolloutsMetrics: 6,
  rolloutsHealth: 7,
  kedaMetrics: 8,
  kedaHealth: 9,
  kedaGrpc: 10,
  kedaWebhook: 11,
  prometheus: 12,
} as const;
export type PortName = keyof typeof PORT_OFFSETS;
const PORTS_PER_CHECKOUT = 20;

export interface ClusterLayout {
  repoRoot: string;
  stateDir: string;
  cacheDir: string;
  portBase: number;
  port(name: PortName): number;
  kubeconfig: string;
}

/**
 * One cluster per checkout, like the local stack: state under BOXOFFICE_STATE_HOME and ports from
 * a hash of the checkout path (BOXOFFICE_CLUSTER_PORT_BASE overrides), so two clones never meet.
 */
export function clusterLayout(env: NodeJS.ProcessEnv = process.env, repoRoot = REPO_ROOT): ClusterLayout {
  const hash = createHash('sha256').update(repoRoot).digest();
  const name = basename(repoRoot).replace(/[^A-Za-z0-9._-]/g, '_');
  const stateHome = env.BOXOFFICE_STATE_HOME || `/var/tmp/boxoffice-${userInfo().username}`;
  const stateDir = join(stateHome, `${name}-${hash.toString('hex').slice(0, 8)}-cluster`);
  const cacheDir = join(env.BOXOFFICE_CACHE || join(homedir(), '.cache/boxoffice'), 'cluster');
  // Below Linux's ephemeral range (32768+), where an outgoing connection could hold a port
  // first, and above the stack's 20000–23999.
  const portBase = parsePortBase(env.BOXOFFICE_CLUSTER_PORT_BASE) ?? 24000 + (hash.readUInt16BE(0) % 400) * PORTS_PER_CHECKOUT;
  return {
    repoRoot,
    stateDir,
    cacheDir,
    portBase,
    port: (part) => portBase + PORT_OFFSETS[part],
    kubeconfig: join(stateDir, 'kubeconfig'),
  };
}

function parsePortBase(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 65535 - PORTS_PER_CHECKOUT) {
    throw new Error(`BOXOFFICE_CLUSTER_PORT_BASE must be a whole number between 1024 and ${65535 - PORTS_PER_CHECKOUT} (got "${value}")`);
  }
  return n;
}
