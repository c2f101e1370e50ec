import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { waitFor } from './wait-for';

export const SERVICE_NAMES = ['login', 'checkout', 'notify'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface StartServiceOptions {
  service: ServiceName;
  port: number;
  env: Record<string, string>;
  /** Repository root; defaults to three levels above this file. */
  repoRoot?: string;
  readyTimeoutMs?: number;
  /** Print the service's log lines as they come; tests keep them in memory. */
  echo?: boolean;
  /** Also append the service's log lines to this file (the demo keeps its services' logs there). */
  logFile?: string;
  /** Extra `node` flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

/** A built service (`services/<name>/dist/main.js`) running as a real child process. */
export class ServiceProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly service: ServiceName,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static spawn(options: StartServiceOptions): ServiceProcess {
    const repoRoot = options.repoRoot ?? path.resolve(__dirname, '../../..');
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(repoRoot, 'services', options.service, 'dist', 'main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new ServiceProcess(options.service, `http://127.0.0.1:${options.port}`, child);
    const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    // 'close', not 'exit': the pipes may still hold output when the process has exited.
    if (file) child.once('close', () => file.end());
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      proc.output.push(text);
      file?.write(chunk);
      if (options.echo) process.stdout.write(text.replace(/^/gm, `[${options.service}] `));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return proc;
  }

  /** Starts the service and resolves once /health/ready answers 200; fails with its output if it exits. */
  static async start(options: StartServiceOptions): Promise<ServiceProcess> {
    const proc = ServiceProcess.spawn(options);
    try {
      // A process that exits fails the start at once, not after the readiness timeout.
      const exited = proc.exited.then((code) => Promise.reject(new ExitedError(code)));
      await Promise.race([
        exited,
        waitFor(async () => (await fetch(`${proc.url}/health/ready`)).status === 200, {
          timeoutMs: options.readyTimeoutMs ?? 20_000,
          intervalMs: 50,
          what: `${options.service} to be ready`,
        }),
      ]);
      exited.catch(() => undefined);
    } catch (error) {
      await proc.stop('SIGKILL');
      throw new Error(`${options.service} did not become ready: ${(error as Error).message}\n${proc.logs()}`);
    }
    return proc;
  }

  logs(): string {
    return this.output.join('');
  }

  /** Sends a signal and waits for the exit code (SIGTERM = graceful shutdown). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

class ExitedError extends Error {
  constructor(code: number | null) {
    super(`process exited with code ${code}`);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
  return address.port;
}
