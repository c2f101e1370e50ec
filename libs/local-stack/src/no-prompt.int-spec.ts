/**
 * A newcomer's terminal: `npm start`'s set-up and Nx as `npm test` runs it, under a pseudo-terminal
 * (util-linux `script`), must not ask anything nor change a tracked file. A question shows as its
 * text (Nx's "Share usage data?", any "(y/N)") or as the command going silent while it waits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const QUESTION = /usage data|would you like|\((y\/n|yes\/no)\)|\[(y\/n)\]|\? .+›/i;
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
const SILENT_MS = 180_000;

/** A fresh login shell's environment: nothing from npm, Nx or a CI system (Nx does not ask on CI). */
function terminalEnv(): NodeJS.ProcessEnv {
  const keep = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'SHELL', 'JAVA_HOME', 'TMPDIR', 'BOXOFFICE_STATE_HOME', 'BOXOFFICE_PORT_BASE', 'BOXOFFICE_CACHE'];
  const env: NodeJS.ProcessEnv = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':');
  env.TERM = 'xterm-256color';
  return env;
}

/** What git would call a change: the status lines and the full diff of tracked files. */
function trackedState(): string {
  const status = spawnSync('git', ['status', '--porcelain=v1', '--untracked-files=all'], { cwd: root, encoding: 'utf8' }).stdout;
  const diff = spawnSync('git', ['diff', 'HEAD', '--binary'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  return `${status}\n${createHash('sha256').update(diff).digest('hex')}`;
}

interface TerminalRun {
  code: number | null;
  transcript: string;
  question?: string;
}

/** Runs `command` on a pseudo-terminal whose keyboard never answers. */
function onTerminal(command: string, timeoutMs: number): Promise<TerminalRun> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: root, env: terminalEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let transcript = '';
    let lastOutput = Date.now();
    let question: string | undefined;
    const stop = (why: string) => {
      question ??= why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onData = (chunk: Buffer) => {
      transcript += chunk.toString();
      lastOutput = Date.now();
      const text = plain(transcript);
      const asked = QUESTION.exec(text);
      if (asked) stop(`asked: ${text.slice(Math.max(0, asked.index - 200), asked.index + 200)}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const started = Date.now();
    const watch = setInterval(() => {
      if (Date.now() - lastOutput > SILENT_MS) stop(`silent for ${SILENT_MS / 1000} s, as if waiting for an answer; last output: ${plain(transcript).slice(-400)}`);
      if (Date.now() - started > timeoutMs) stop(`still running after ${timeoutMs / 1000} s; last output: ${plain(transcript).slice(-400)}`);
    }, 1000);
    child.once('exit', (code) => {
      clearInterval(watch);
      resolve({ code, transcript, question });
    });
  });
}

describe("a newcomer's terminal asks nothing and leaves the checkout clean", () => {
  it("npm start's set-up (install, stack, build)", async () => {
    const before = trackedState();
    const run = await onTerminal('bash libs/local-stack/bin/boxoffice setup', 840_000);
    expect({ question: run.question, code: run.code }).toEqual({ question: undefined, code: 0 });
    expect(run.transcript).toMatch(/boxoffice: set-up done in \d+/);
    expect(trackedState()).toBe(before);
  });

  it('Nx run on a terminal, as npm test runs it', async () => {
    const before = trackedState();
    const run = await onTerminal('NX_DAEMON=false NX_NO_CLOUD=true node_modules/.bin/nx show projects', 120_000);
    expect({ question: run.question, code: run.code }).toEqual({ question: undefined, code: 0 });
    expect(run.transcript).toMatch(/local-stack/);
    expect(trackedState()).toBe(before);
  });
});
