import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Demo, LocalStack } from './local-endpoints';
import { environmentFor, missingFor, parseInvocation } from './with-local';

const repoRoot = path.resolve(__dirname, '../../..');
const running: LocalStack = { running: true, stateDir: '/s', env: { DATABASE_PORT: '23270', KAFKA_BROKERS: '127.0.0.1:23271' } };
const stopped: LocalStack = { ...running, running: false };
const demo: Demo = { pid: 1, file: '/s/demo.env', env: { DEMO_PID: '1', LOGIN_URL: 'http://127.0.0.1:23275', FLAGS_DIR: '/repo/k8s/flags' } };

describe('with-local: the README commands find the running stack and demo', () => {
  it('reads what a command needs, and its script and arguments', () => {
    expect(parseInvocation(['--needs', 'stack', '--except', 'generate,help', 'cli.ts', 'status', '--service', 'login'])).toEqual({
      needs: 'stack',
      except: ['generate', 'help'],
      script: 'cli.ts',
      args: ['status', '--service', 'login'],
    });
    expect(() => parseInvocation(['--needs', 'cluster', 'x.ts'])).toThrow('unknown option --needs cluster');
  });

  it('names the one command that starts what is missing', () => {
    const needsStack = parseInvocation(['--needs', 'stack', '--except', 'generate', 'cli.ts', 'status']);
    expect(missingFor(needsStack, stopped, undefined)).toBe('the local stack is not running for this checkout — start it with: npm start');
    expect(missingFor(needsStack, running, undefined)).toBeUndefined();
    expect(missingFor({ ...needsStack, args: ['generate'] }, stopped, undefined)).toBeUndefined();
    const needsDemo = parseInvocation(['--needs', 'demo', 'canary.ts']);
    expect(missingFor(needsDemo, running, undefined)).toBe('no demo is running for this checkout — start it with: npm start');
    expect(missingFor(needsDemo, running, demo)).toBeUndefined();
  });

  it("passes the stack's settings and the demo's endpoints, and lets explicit variables win", () => {
    expect(environmentFor(running, demo, { FLAGS_DIR: '/mine' })).toEqual({
      DATABASE_PORT: '23270',
      KAFKA_BROKERS: '127.0.0.1:23271',
      LOGIN_URL: 'http://127.0.0.1:23275',
      FLAGS_DIR: '/mine',
      BOXOFFICE_DEMO_FLAGS_DIR: '/repo/k8s/flags',
    });
    expect(environmentFor(stopped, undefined, {})).toEqual({});
  });

  it('stops a command that needs the stack with "npm start" when nothing runs', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'boxoffice-with-local-'));
    try {
      const result = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['libs/local-stack/src/with-local.ts', '--needs', 'stack', 'services/notify/scripts/dead-letters.ts', 'list'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, BOXOFFICE_STATE_HOME: home, BOXOFFICE_PORT_BASE: '1040' },
        encoding: 'utf8',
      });
      expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({
        status: 1,
        stderr: 'boxoffice: the local stack is not running for this checkout — start it with: npm start',
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
