import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FlagsLogger } from '../flags-client';

/** The repo's flag directory. */
export const REPO_FLAGS_DIR = path.resolve(__dirname, '../../../../k8s/flags');

const created: string[] = [];

/** A temporary copy of the repo's flag directory (removed by `cleanupTempDirs`). */
export function copyRepoFlags(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'boxoffice-flags-'));
  cpSync(REPO_FLAGS_DIR, dir, { recursive: true });
  created.push(dir);
  return dir;
}

/** A temporary directory holding the given files (relative path → content). */
export function flagDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'boxoffice-flags-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  created.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls until `predicate` holds; resolves with the elapsed milliseconds, rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, stepMs = 10): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return Date.now() - started;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

/** A logger that keeps what it is told. */
export function collectingLogger(): FlagsLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, details) => lines.push({ level: 'info', message, details }),
    warn: (message, details) => lines.push({ level: 'warn', message, details }),
    error: (message, details) => lines.push({ level: 'error', message, details }),
  };
}
