import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { repoPath } from './support/paths';
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
    const text = readRepoFile(script);
    for (const chart of ['istio/base', 'istio/istiod', 'istio/gateway', 'prometheus-community/kube-prometheus-stack', 'strimzi/strimzi-kafka-operator', 'kedacore/keda', 'argo/argo-rollouts', 'argo/argo-cd', 'flipt/flipt']) {
      expect(text).toContain(chart);
    }
    for (const m of text.matchAll(/^([A-Z_]+_VERSION)="\$\{\1:-([^}]+)\}"/gm)) expect(m[2]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
