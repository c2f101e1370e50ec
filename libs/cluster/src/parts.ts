import { existsSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { BINARIES, ensureBinary } from './binaries';
import type { ClusterLayout } from './layout';
import type { ClusterCredentials } from './pki';
import { apiserverUrl } from './pki';
import type { Probe } from './probe';

/** One process of the control plane: how to start it and how to tell it is ready. */
export interface Part {
  name: string;
  /** Resolves the executable, building it once if needed. */
  binary(): Promise<string>;
  args: string[];
  env?: NodeJS.ProcessEnv;
  probe(): Probe;
  readyTimeoutMs: number;
  /** Debian package that provides the binary, when it is not built from a Go module. */
  aptPackage?: string;
}

export const PART_NAMES = ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kwok', 'rollouts', 'keda', 'prometheus'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** The API server's advertised address must not be loopback (the `kubernetes` Endpoints reject 127/8); nothing dials it. */
export function advertiseAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error(`no non-loopback IPv4 address on ${hostname()}: kube-apiserver needs one to advertise (it is never dialled)`);
}

function systemBinary(name: string, aptPackage: string): () => Promise<string> {
  return async () => {
    for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/sbin']) if (existsSync(join(dir, name))) return join(dir, name);
    throw new Error(`${name} is missing — install it: apt-get install ${aptPackage}`);
  };
}

export function clusterParts(layout: ClusterLayout, credentials: ClusterCredentials): Record<PartName, Part> {
  const s = layout.stateDir;
  const kubeconfig = layout.kubeconfig;
  const loopback = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
  const clientKubeconfigs = ['--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig, '--authorization-kubeconfig', kubeconfig];
  const caBundle = () => (existsSync(credentials.apiserverCert) ? readFileSync(credentials.apiserverCert) : undefined);
  return {
    etcd: {
      name: 'etcd',
      binary: systemBinary('etcd', 'etcd-server'),
      aptPackage: 'etcd-server',
      args: [
        '--name=boxoffice',
        `--data-dir=${join(s, 'etcd')}`,
        `--listen-client-urls=${loopback(layout.port('etcdClient'), '')}`,
        `--advertise-client-urls=${loopback(layout.port('etcdClient'), '')}`,
        `--listen-peer-urls=${loopback(layout.port('etcdPeer'), '')}`,
        `--initial-advertise-peer-urls=${loopback(layout.port('etcdPeer'), '')}`,
        `--initial-cluster=boxoffice=${loopback(layout.port('etcdPeer'), '')}`,
        '--log-level=warn',
      ],
      env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'x64' ? '' : process.arch },
      probe: () => ({ url: loopback(layout.port('etcdClient'), '/health') }),
      readyTimeoutMs: 30_000,
    },
    apiserver: {
      name: 'apiserver',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.kubeApiserver),
      args: [
        `--etcd-servers=${loopback(layout.port('etcdClient'), '')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${layout.port('apiserver')}`,
        `--advertise-address=${advertiseAddress()}`,
        `--cert-dir=${credentials.apiserverCertDir}`,
        `--token-auth-file=${credentials.tokenFile}`,
        '--authorization-mode=RBAC',
        `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
        `--service-account-key-file=${credentials.serviceAccountPub}`,
        `--service-account-signing-key-file=${credentials.serviceAccountKey}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--v=0',
      ],
      probe: () => ({ url: `${apiserverUrl(layout)}/readyz`, token: credentials.token, ca: caBundle() }),
      readyTimeoutMs: 90_000,
    },
    'controller-manager': {
      name: 'controller-manager',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.kubeControllerManager),
      args: [
        ...clientKubeconfigs,
        '--bind-address=127.0.0.1',
        `--secure-port=${layout.port('controllerManager')}`,
        `--cert-dir=${join(s, 'controller-manager-certs')}`,
        '--leader-elect=false',
        `--service-account-private-key-file=${credentials.serviceAccountKey}`,
        `--root-ca-file=${credentials.apiserverCert}`,
        '--use-service-account-credentials=false',
        // The HPA controller reads external metrics (KEDA) at this period.
        '--horizontal-pod-autoscaler-sync-period=5s',
        '--profiling=false',
      ],
      probe: () => ({ url: `https://127.0.0.1:${layout.port('controllerManager')}/healthz` }),
      readyTimeoutMs: 60_000,
    },
    scheduler: {
      name: 'scheduler',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.kubeScheduler),
      args: [...clientKubeconfigs, '--bind-address=127.0.0.1', `--secure-port=${layout.port('scheduler')}`, `--cert-dir=${join(s, 'scheduler-certs')}`, '--leader-elect=false', '--profiling=false'],
      probe: () => ({ url: `https://127.0.0.1:${layout.port('scheduler')}/healthz` }),
      readyTimeoutMs: 60_000,
    },
    kwok: {
      name: 'kwok',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.kwok),
      args: [
        `--kubeconfig=${kubeconfig}`,
        `--config=${join(s, 'kwok-stages.yaml')}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        // The heartbeat-with-lease stage only renews the node's Lease when kwok holds one;
        // without it the node lifecycle controller marks the node NotReady after its grace period.
        '--node-lease-duration-seconds=40',
        `--server-address=127.0.0.1:${layout.port('kwok')}`,
      ],
      probe: () => ({ url: loopback(layout.port('kwok'), '/healthz') }),
      readyTimeoutMs: 30_000,
    },
    rollouts: {
      name: 'rollouts',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.rolloutsController),
      // Upstream binds its metrics and healthz ports to 0.0.0.0 (a constant in controller.go); only loopback is ever dialled.
      args: [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', `--metricsPort=${layout.port('rolloutsMetrics')}`, `--healthzPort=${layout.port('rolloutsHealth')}`, '--loglevel=info'],
      probe: () => ({ url: loopback(layout.port('rolloutsHealth'), '/healthz') }),
      readyTimeoutMs: 60_000,
    },
    keda: {
      name: 'keda',
      binary: () => ensureBinary(layout.cacheDir, BINARIES.kedaOperator),
      args: [
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        // In a pod, kubelet mounts the Secret KEDA's cert rotation writes; nothing does here, and the
        // rotator stops the operator after its wait. Certificates made once by `cluster up` instead.
        `--cert-dir=${join(s, 'keda-certs')}`,
        '--enable-cert-rotation=false',
        '--enable-webhook-patching=false',
        '--enable-apiservice-patching=false',
        `--metrics-bind-address=127.0.0.1:${layout.port('kedaMetrics')}`,
        `--health-probe-bind-address=127.0.0.1:${layout.port('kedaHealth')}`,
        `--metrics-service-bind-address=127.0.0.1:${layout.port('kedaGrpc')}`,
        `--ca-dir=${join(s, 'keda-ca')}`,
        '--zap-log-level=info',
      ],
      env: { ...process.env, POD_NAMESPACE: 'keda', KEDA_CLUSTER_OBJECT_NAMESPACE: 'keda', WATCH_NAMESPACE: '' },
      probe: () => ({ url: loopback(layout.port('kedaHealth'), '/readyz') }),
      readyTimeoutMs: 60_000,
    },
    prometheus: {
      name: 'prometheus',
      binary: systemBinary('prometheus', 'prometheus'),
      aptPackage: 'prometheus',
      args: [
        `--config.file=${join(s, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(s, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${layout.port('prometheus')}`,
        '--storage.tsdb.retention.time=1d',
        '--web.enable-lifecycle',
      ],
      probe: () => ({ url: loopback(layout.port('prometheus'), '/-/ready') }),
      readyTimeoutMs: 30_000,
    },
  };
}
