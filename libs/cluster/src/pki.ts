import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterLayout } from './layout';

export interface ClusterCredentials {
  token: string;
  tokenFile: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  /** The serving certificate kube-apiserver makes for itself in its cert dir (bundle with its CA). */
  apiserverCert: string;
  apiserverCertDir: string;
}

/** The admin token and the service-account signing key pair: made once per cluster state dir. */
export function ensureCredentials(layout: ClusterLayout): ClusterCredentials {
  const dir = layout.stateDir;
  const tokenFile = join(dir, 'tokens.csv');
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  if (!existsSync(tokenFile)) {
    const token = randomBytes(24).toString('hex');
    writeFileSync(tokenFile, `${token},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  }
  if (!existsSync(serviceAccountKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
    writeFileSync(serviceAccountPub, publicKey);
  }
  const token = readFileSync(tokenFile, 'utf8').split(',')[0];
  const apiserverCertDir = join(dir, 'apiserver-certs');
  return { token, tokenFile, serviceAccountKey, serviceAccountPub, apiserverCert: join(apiserverCertDir, 'apiserver.crt'), apiserverCertDir };
}

export function apiserverUrl(layout: ClusterLayout): string {
  return `https://127.0.0.1:${layout.port('apiserver')}`;
}

/** An admin kubeconfig that trusts the API server's own self-signed CA (no insecure TLS). */
export function writeKubeconfig(layout: ClusterLayout, credentials: ClusterCredentials): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'boxoffice-local', cluster: { server: apiserverUrl(layout), 'certificate-authority': credentials.apiserverCert } }],
    users: [{ name: 'admin', user: { token: credentials.token } }],
    contexts: [{ name: 'boxoffice-local', context: { cluster: 'boxoffice-local', user: 'admin' } }],
    'current-context': 'boxoffice-local',
  };
  writeFileSync(layout.kubeconfig, stringify(config), { mode: 0o600 });
}
