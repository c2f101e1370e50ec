import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { repoPath } from './support/paths';
import { readBootstrapScript } from './checks/bootstrap-script';
import { readRepoFile } from './support/repo';

const script = 'k8s/bootstrap/bootstrap.sh';
const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
const haveShellcheck = shellcheck.status === 0;
if (!haveShellcheck) {
  // Only a machine without the Debian package `shellcheck` gets here (npm test installs it).
  console.warn('shellcheck is not installed: skipping the ShellCheck lint of k8s/bootstrap/bootstrap.sh (apt-get install shellcheck)');
}

describe('local cluster bootstrap', () => {
  (haveShellcheck ? it : it.skip)('passes shellcheck', () => {
    const result = spawnSync('shellcheck', ['--severity=style', '--external-sources', repoPath(script)], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is valid bash and executable', () => {
    execFileSync('bash', ['-n', repoPath(script)]);
    expect(statSync(repoPath(script)).mode & 0o111).not.toBe(0);
  });

  it('refers only to files that exist', () => {
    const text = readRepoFile(script);
    const refs = [...text.matchAll(/\$\{(BOOTSTRAP|ROOT)\}\/((?:[\w./-]|\$\{\w+\})+)/g)];
    expect(refs.length).toBeGreaterThan(5);
    for (const [, base, file] of refs) {
      const concrete = file.replace(/\$\{env\}/g, 'dev').replace(/\$\{svc\}/g, 'login');
      const path = base === 'BOOTSTRAP' ? `k8s/bootstrap/${concrete}` : concrete;
      expect(existsSync(repoPath(path)) ? path : `missing ${path}`).toBe(path);
    }
    for (const env of ['dev', 'staging', 'prod']) expect(existsSync(repoPath(`k8s/platform/flipt/values-${env}.yaml`))).toBe(true);
  });

  it('installs every chart the platform needs, each at a pinned version', () => {
    // Read from the helm_install commands: a chart named only in a comment is not installed.
    const releases = readBootstrapScript(readRepoFile(script)).releases;
    expect(releases.map((r) => r.chart).sort()).toEqual(['argo/argo-cd', 'argo/argo-rollouts', 'flipt/flipt', 'istio/base', 'istio/gateway', 'istio/istiod', 'kedacore/keda', 'prometheus-community/kube-prometheus-stack', 'strimzi/strimzi-kafka-operator']);
    for (const r of releases) expect(`${r.chart} ${r.version}`).toMatch(/ \d+\.\d+\.\d+$/);
  });

  it('reads commands, not comments', () => {
    const text = readRepoFile(script);
    const commented = text.replace(/^(\s*)(helm_install istio-ingressgateway|kubectl --namespace "\$\{ns\}" create secret generic "\$\{svc\}-db")/gm, '$1# $2');
    expect(commented).not.toBe(text);
    const read = readBootstrapScript(commented);
    expect(read.releases.map((r) => r.release)).not.toContain('istio-ingressgateway');
    // The script's own comment still names login-db, checkout-db and notify-db.
    expect(commented).toContain('login-db');
    expect(read.secrets.map((s) => s.name)).toEqual(['postgres-credentials', 'login-jwt']);
    expect(readBootstrapScript(text).secrets.map((s) => s.name)).toEqual(['postgres-credentials', 'login-db', 'checkout-db', 'notify-db', 'login-jwt']);
  });
});
