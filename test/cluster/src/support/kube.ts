import { setTimeout as sleep } from 'node:timers/promises';
import { clusterLayout, kubectl, type K8sObject } from '@boxoffice/cluster';

export const layout = clusterLayout();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(...args: string[]): Promise<any> {
  const { stdout } = await kubectl(layout, ['get', ...args, '-o', 'json']);
  return JSON.parse(stdout);
}

export interface ApplyResult {
  applied: string[];
  warnings: string[];
}

/** A real server-side apply (not a dry run); warnings come back separately, errors throw. */
export async function serverSideApply(objects: K8sObject[], fieldManager = 'boxoffice-cluster-tier'): Promise<ApplyResult> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  const { stdout, stderr } = await kubectl(layout, ['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-f', '-'], list);
  return {
    applied: stdout.split('\n').filter(Boolean),
    warnings: stderr
      .split('\n')
      .filter((line) => line.startsWith('Warning:'))
      .map((line) => line.replace(/^Warning:\s*/, '')),
  };
}

/** Polls until `check` returns a value, or fails naming what it waited for and the last state seen. */
export async function waitFor<T>(what: string, check: () => Promise<{ done: T } | { state: string }>, timeoutMs: number, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not checked yet';
  while (Date.now() < deadline) {
    const result = await check();
    if ('done' in result) return result.done;
    last = result.state;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${last}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function condition(object: any, type: string): { status: string; reason?: string; message?: string } | undefined {
  return (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}
