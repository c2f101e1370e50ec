import { execFile } from 'node:child_process';
import * as path from 'node:path';

const STACK = path.resolve(__dirname, '../../../libs/local-stack/bin/stack');

/**
 * Runs one command of the local stack script (the same one `npm run stack` runs), so the fault
 * tier stops and starts exactly the servers this checkout's stack manages.
 */
export function stack(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [STACK, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`stack ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`.trim());
    });
  });
}

export const postgres = {
  stop: () => stack('stop', 'postgres'),
  start: () => stack('start', 'postgres'),
};

export const kafka = {
  /** SIGKILL: a crash, not a shutdown. */
  kill: () => stack('stop', 'kafka', '--kill'),
  start: () => stack('start', 'kafka'),
};
