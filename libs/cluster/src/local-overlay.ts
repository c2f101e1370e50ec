import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { BINARIES, ensureBinary } from './binaries';
import type { ClusterLayout } from './layout';

const run = promisify(execFile);

export const LOCAL_OVERLAY = 'kustomize/overlays/local';
export const LOCAL_NAMESPACE = 'boxoffice-local';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Where this checkout's local stack and cluster listen. */
export interface LocalEndpoints {
  prometheusUrl: string;
  kafkaBrokers: string;
  database: { host: string; port: string; user: string; password: string };
}

export function localEndpoints(layout: ClusterLayout, env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  const { KAFKA_BROKERS, DATABASE_HOST, DATABASE_PORT, DATABASE_USER, DATABASE_PASSWORD } = env;
  if (!KAFKA_BROKERS || !DATABASE_HOST || !DATABASE_PORT || !DATABASE_USER || !DATABASE_PASSWORD) {
    throw new Error('KAFKA_BROKERS and DATABASE_HOST/PORT/USER/PASSWORD must be set — start the local stack and load its env: npm run stack -- up && eval "$(npm run -s stack -- env)"');
  }
  return {
    prometheusUrl: `http://127.0.0.1:${layout.port('prometheus')}`,
    kafkaBrokers: KAFKA_BROKERS,
    database: { host: DATABASE_HOST, port: DATABASE_PORT, user: DATABASE_USER, password: DATABASE_PASSWORD },
  };
}

export function parseManifests(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJSON() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** `kubectl kustomize` with the pinned kubectl (Kustomize v5 built in). */
export async function renderKustomization(layout: ClusterLayout, dir: string): Promise<K8sObject[]> {
  const kubectl = await ensureBinary(layout.cacheDir, BINARIES.kubectl);
  const { stdout } = await run(kubectl, ['kustomize', join(layout.repoRoot, dir)], { maxBuffer: 64 * 1024 * 1024 });
  return parseManifests(stdout, dir);
}

/**
 * The only fields a local run changes in the rendered `local` overlay: this checkout's loopback
 * ports for Prometheus (analysis templates, checkout's scaler) and Kafka (notify's scaler).
 * Returns the paths it set, for the tests and the log.
 */
export function setLocalEndpoints(objects: K8sObject[], endpoints: LocalEndpoints): string[] {
  const changed: string[] = [];
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'AnalysisTemplate') {
      o.spec.metrics.forEach((m: { provider?: { prometheus?: { address: string } } }, i: number) => {
        if (m.provider?.prometheus) {
          m.provider.prometheus.address = endpoints.prometheusUrl;
          changed.push(`${id} spec.metrics[${i}].provider.prometheus.address`);
        }
      });
    }
    if (o.kind === 'ScaledObject') {
      o.spec.triggers.forEach((t: { type: string; metadata: Record<string, string> }, i: number) => {
        if (t.type === 'kafka') {
          t.metadata.bootstrapServers = endpoints.kafkaBrokers;
          changed.push(`${id} spec.triggers[${i}].metadata.bootstrapServers`);
        }
        if (t.type === 'prometheus') {
          t.metadata.serverAddress = endpoints.prometheusUrl;
          changed.push(`${id} spec.triggers[${i}].metadata.serverAddress`);
        }
      });
    }
  }
  return changed;
}

/**
 * The `<service>-db` Secret of every Rollout, pointing at the local stack's PostgreSQL: what
 * k8s/bootstrap creates outside git in a real cluster, made here from the stack's credentials.
 */
export function localDatabaseSecrets(objects: K8sObject[], endpoints: LocalEndpoints): K8sObject[] {
  const { host, port, user, password } = endpoints.database;
  return objects
    .filter((o) => o.kind === 'Rollout')
    .map((rollout) => {
      const service = rollout.metadata.name;
      const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/boxoffice_${service}`;
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${service}-db`, namespace: rollout.metadata.namespace, labels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'boxoffice' } },
        type: 'Opaque',
        data: { DATABASE_URL: Buffer.from(url).toString('base64') },
      };
    });
}

/** The local overlay as applied to this checkout's cluster: its objects with this checkout's endpoints, then the database Secrets. */
export async function renderLocalOverlay(layout: ClusterLayout, endpoints: LocalEndpoints): Promise<{ objects: K8sObject[]; changed: string[] }> {
  const rendered = await renderKustomization(layout, LOCAL_OVERLAY);
  const changed = setLocalEndpoints(rendered, endpoints);
  const namespaces = rendered.filter((o) => o.kind === 'Namespace');
  const rest = rendered.filter((o) => o.kind !== 'Namespace');
  return { objects: [...namespaces, ...localDatabaseSecrets(rendered, endpoints), ...rest], changed };
}
