import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** Where npm would find `name` for the package at `from`: its own node_modules, then each parent's, then the root's. */
function resolves(from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json: npm ci accepts it here and on other platforms', () => {
  it("lists every platform's optional binaries (a lock written on one platform without them is refused by npm ci)", () => {
    const missing = Object.entries(lock.packages).flatMap(([at, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolves(at, name))
        .map((name) => `${at || '(root)'} → ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('is in sync with package.json for npm ci', () => {
    const ci = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, encoding: 'utf8', timeout: 50_000 });
    expect({ status: ci.status, error: ci.stderr.split('\n').filter((l) => /npm error (Missing|Invalid|`npm ci`)/.test(l)) }).toEqual({ status: 0, error: [] });
  });
});
