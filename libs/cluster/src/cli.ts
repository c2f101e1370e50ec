/**
 * npm run cluster -- up | down | status | env | logs <part> | reset
 * A real Kubernetes control plane for this checkout, on loopback, without containers: see libs/cluster/README.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARIES, ensureBinary } from './binaries';
import { down, logFile, reset, status, up } from './cluster';
import { clusterLayout } from './layout';
import { PART_NAMES, type PartName } from './parts';
import { ClusterError } from './progress';

const USAGE = `usage: npm run cluster -- <command>
  up             build the binaries once, then start etcd, kube-apiserver, kube-controller-manager,
                 kube-scheduler, kwok (one fake node), Argo Rollouts, KEDA and Prometheus (idempotent)
  down           stop them (controllers first, etcd last)
  status         one line per part; exit 0 when all are ready, 3 otherwise
  env            print export lines (KUBECONFIG, PATH with kubectl and istioctl) for eval
  logs <part>    follow one part's log (${PART_NAMES.join(', ')})
  kubectl <args> the pinned kubectl against this cluster (e.g. kubectl get rollouts -A)
  reset          down, then delete this checkout's cluster state`;

async function main(argv: string[]): Promise<number> {
  const layout = clusterLayout();
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      await up(layout);
      return 0;
    case 'down':
      await down(layout);
      return 0;
    case 'reset':
      await reset(layout);
      return 0;
    case 'status': {
      const parts = await status(layout);
      for (const p of parts) console.log(`${p.name.padEnd(19)} ${(p.ready ? 'ready' : p.pid ? 'not ready' : 'stopped').padEnd(10)} pid ${String(p.pid ?? '-').padEnd(8)} ${p.url}`);
      return parts.every((p) => p.ready) ? 0 : 3;
    }
    case 'env': {
      const file = join(layout.stateDir, 'env');
      if (!existsSync(file)) throw new ClusterError('no cluster for this checkout yet — start it: npm run cluster -- up');
      process.stdout.write(readFileSync(file, 'utf8'));
      return 0;
    }
    case 'logs': {
      const part = rest[0] as PartName | undefined;
      if (!part || !PART_NAMES.includes(part)) throw new ClusterError(`name a part: npm run cluster -- logs <${PART_NAMES.join('|')}>`);
      const file = logFile(layout, part);
      if (!existsSync(file)) throw new ClusterError(`no log yet at ${file} — start the cluster: npm run cluster -- up`);
      const tail = spawn('tail', ['-n', '50', '-F', file], { stdio: 'inherit' });
      return new Promise((resolve) => tail.on('close', (code) => resolve(code ?? 0)));
    }
    case 'kubectl': {
      if (!existsSync(layout.kubeconfig)) throw new ClusterError('no cluster for this checkout yet — start it: npm run cluster -- up');
      const bin = await ensureBinary(layout.cacheDir, BINARIES.kubectl);
      const child = spawn(bin, rest, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: layout.kubeconfig } });
      return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`cluster: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`cluster: error: ${error instanceof ClusterError ? error.message : (error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
