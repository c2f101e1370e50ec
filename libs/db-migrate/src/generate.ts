import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

import type { ServiceName } from './env';
import { type Logger, silentLogger } from './logger';
import { serviceDir } from './targets';

export interface GenerateOptions {
  service: ServiceName;
  rootDir?: string;
  logger?: Logger;
  /** Extra environment for the Prisma CLI. */
  env?: NodeJS.ProcessEnv;
}

export interface GenerateResult {
  service: ServiceName;
  output: string;
  durationMs: number;
}

function prismaCli(): string {
  const pkg = require.resolve('prisma/package.json');
  return path.join(path.dirname(pkg), 'build', 'index.js');
}

/**
 * `prisma generate` for one service, offline. The Prisma CLI insists on locating a schema-engine
 * binary even for `generate`, which never runs it: PRISMA_SCHEMA_ENGINE_BINARY is pointed at an
 * existing file (the Node binary) unless already set, and update checks and telemetry are off.
 */
export async function generateClient(options: GenerateOptions): Promise<GenerateResult> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const dir = serviceDir(options.service, options.rootDir);
  const config = path.join(dir, 'prisma.config.ts');
  if (!existsSync(config)) throw new Error(`${config} not found`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_TELEMETRY_INFORMATION: undefined,
    ...options.env,
  };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
    env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  }
  const args = [prismaCli(), 'generate', '--config', config];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(text);
      else reject(new Error(`prisma generate for ${options.service} exited with ${code}:\n${text.trim()}`));
    });
  });
  logger.info(`${options.service}: generated Prisma Client (${Date.now() - started} ms)`);
  return { service: options.service, output, durationMs: Date.now() - started };
}
