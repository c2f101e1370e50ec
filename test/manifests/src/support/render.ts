import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './objects';
import type { Target } from './targets';

const run = promisify(execFile);

export interface Rendered {
  objects: K8sObject[];
  error?: string;
}

export function parseManifests(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJSON() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/**
 * The real Kustomize (v5): `kubectl kustomize <dir>`, or the standalone `kustomize build <dir>`
 * that `npm test` installs (go install) on machines without kubectl.
 */
const kustomizeCommand: [string, string] = hasCommand('kubectl') ? ['kubectl', 'kustomize'] : ['kustomize', 'build'];

function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${name}`));
}

export function assertKustomizeAvailable(): void {
  if (!hasCommand(kustomizeCommand[0])) {
    throw new Error('kubectl or kustomize (v5) is required to render the manifests — install kubectl, or run "npm test", which builds kustomize with Go');
  }
}

export async function kustomize(dir: string): Promise<Rendered> {
  try {
    const { stdout } = await run(kustomizeCommand[0], [kustomizeCommand[1], dir], { maxBuffer: 64 * 1024 * 1024 });
    return { objects: parseManifests(stdout, dir) };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { objects: [], error: (e.stderr || e.message).trim() };
  }
}

/** Renders all targets with bounded concurrency, in input order. */
export async function renderAll(targets: readonly Target[], concurrency: number): Promise<Rendered[]> {
  const results: Rendered[] = new Array(targets.length);
  let next = 0;
  async function worker() {
    while (next < targets.length) {
      const index = next++;
      results[index] = await kustomize(targets[index].dir);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}
