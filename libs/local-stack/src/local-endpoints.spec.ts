import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findDemo, findLocalStack, parseExports, publishDemo, withdrawDemo } from './local-endpoints';

const repoRoot = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'boxoffice-endpoints-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the demo publishes its endpoints in the stack dir', () => {
  it('is found while its process lives, and withdrawn when it stops', () => {
    const stateDir = tempDir();
    expect(findDemo(stateDir)).toBeUndefined();
    const file = publishDemo(stateDir, { LOGIN_URL: 'http://127.0.0.1:23275', FLAGS_DIR: '/repo/k8s/flags' });
    expect(findDemo(stateDir)).toEqual({ pid: process.pid, file, env: { DEMO_PID: String(process.pid), LOGIN_URL: 'http://127.0.0.1:23275', FLAGS_DIR: '/repo/k8s/flags' } });
    withdrawDemo(stateDir, process.pid + 1_000_000);
    expect(existsSync(file)).toBe(true);
    withdrawDemo(stateDir);
    expect(existsSync(file)).toBe(false);
  });

  it('ignores the file a killed demo left behind', async () => {
    const stateDir = tempDir();
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    publishDemo(stateDir, { LOGIN_URL: 'http://127.0.0.1:1' }, pid);
    expect(findDemo(stateDir)).toBeUndefined();
  });
});

describe('the stack is found through "stack env" and "stack status"', () => {
  it("reads bash's %q-quoted export lines", () => {
    expect(parseExports("export DATABASE_PORT=23270\nexport BOXOFFICE_STACK_DIR=/var/tmp/a\\ b\nnoise\n")).toEqual({ DATABASE_PORT: '23270', BOXOFFICE_STACK_DIR: '/var/tmp/a b' });
  });

  it('says a stack with no servers is not running, and where its state would be', () => {
    const home = tempDir();
    const stack = findLocalStack(repoRoot, { ...process.env, BOXOFFICE_STATE_HOME: home, BOXOFFICE_PORT_BASE: '1030' });
    expect(stack.running).toBe(false);
    expect(stack.stateDir.startsWith(`${home}/`)).toBe(true);
    expect(stack.env).toMatchObject({ DATABASE_PORT: '1030', KAFKA_BROKERS: '127.0.0.1:1031' });
  });
});
