/**
 * Runs one of the README's commands against what runs on this machine for this checkout:
 *
 *   tsx libs/local-stack/src/with-local.ts [--needs stack|demo] [--except <arg>,...] <script.ts> [args...]
 *
 * The script gets the stack's settings (DATABASE_*, KAFKA_BROKERS) when the stack runs, and the
 * running demo's endpoints (LOGIN_URL, CHECKOUT_URL, NOTIFY_URL, FLAGS_DIR, ...) when a demo runs;
 * variables already set in the environment win. With --needs, a missing stack or demo stops the
 * command with the one command that starts it (unless the script's first argument is in --except).
 * A future command (e.g. `canary`) gets the same by its npm script: `tsx <this file> --needs demo <script>`.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Demo, findDemo, findLocalStack, LocalStack, START_COMMAND } from './local-endpoints';

const repoRoot = path.resolve(__dirname, '../../..');

export interface Invocation {
  needs?: 'stack' | 'demo';
  except: string[];
  script: string;
  args: string[];
}

export function parseInvocation(argv: string[]): Invocation {
  const invocation: Invocation = { except: [], script: '', args: [] };
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--needs' && (value === 'stack' || value === 'demo')) invocation.needs = value;
    else if (argv[i] === '--except' && value) invocation.except = value.split(',');
    else throw new Error(`with-local: unknown option ${argv[i]} ${value ?? ''} (usage: with-local.ts [--needs stack|demo] [--except a,b] <script.ts> [args...])`);
  }
  if (!argv[i]) throw new Error('with-local: no script given');
  return { ...invocation, script: argv[i], args: argv.slice(i + 1) };
}

/** What is missing for this invocation, as one line naming the command that fixes it; undefined if nothing. */
export function missingFor(invocation: Invocation, stack: LocalStack, demo: Demo | undefined): string | undefined {
  if (!invocation.needs || invocation.except.includes(invocation.args[0] ?? '')) return undefined;
  if (!stack.running) return `the local stack is not running for this checkout — start it with: ${START_COMMAND}`;
  if (invocation.needs === 'demo' && !demo) return `no demo is running for this checkout — start it with: ${START_COMMAND}`;
  return undefined;
}

/** The script's environment: found settings first, anything set explicitly on top. */
export function environmentFor(stack: LocalStack, demo: Demo | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const found: Record<string, string> = {};
  if (stack.running) Object.assign(found, stack.env);
  if (demo) {
    const { DEMO_PID: _pid, ...endpoints } = demo.env;
    Object.assign(found, endpoints, { BOXOFFICE_DEMO_FLAGS_DIR: demo.env.FLAGS_DIR ?? '' });
  }
  return { ...found, ...env };
}

function main(): void {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const stack = findLocalStack(repoRoot);
  const demo = stack.stateDir ? findDemo(stack.stateDir) : undefined;
  const missing = missingFor(invocation, stack, demo);
  if (missing) {
    console.error(`boxoffice: ${missing}`);
    process.exit(1);
  }
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), [invocation.script, ...invocation.args], {
    cwd: process.cwd(),
    env: environmentFor(stack, demo, process.env),
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

if (require.main === module) main();
