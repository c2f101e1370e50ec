import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { findRepoRoot } from './targets';

jest.setTimeout(30_000);

const root = findRepoRoot();

/** Runs the CLI the documented way, with only PATH (and `env`) in the environment. */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(__dirname, 'cli.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf-8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('db-migrate CLI', () => {
  it('prints usage with --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: db-migrate <command>');
  });

  it('fails with one line naming the missing variable', () => {
    const r = cli(['deploy', '--service', 'checkout']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'db-migrate: error: no database configured for checkout: set DATABASE_URL_CHECKOUT, or DATABASE_HOST, DATABASE_PORT, DATABASE_USER and DATABASE_PASSWORD',
    ]);
  });

  it('names a malformed variable without echoing secrets', () => {
    const r = cli(['status', '--service', 'login'], { DATABASE_URL_LOGIN: 'postgresql://u:hunter2@localhost:5432' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^db-migrate: error: DATABASE_URL_LOGIN must name a database/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('rejects bad usage with exit code 2', () => {
    expect(cli(['deploy', '--service', 'billing']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
    const noName = cli(['create', '--service', 'notify'], { DATABASE_HOST: 'localhost', DATABASE_USER: 'u', DATABASE_PASSWORD: '' });
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('create needs --name');
  });
});
