import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { K8sObject } from './objects';
import type { SchemaResult } from './schema';
import type { TargetCategory } from './targets';

export interface RenderedTarget {
  id: string;
  category: TargetCategory;
  components: string[];
  objects: K8sObject[];
  error?: string;
}

export interface ManifestCache {
  targets: RenderedTarget[];
  /** Schema validation result per object digest. */
  schema: Record<string, SchemaResult>;
  renderMillis: number;
}

export const CACHE_ENV = 'BOXOFFICE_MANIFESTS_CACHE';

export function digest(object: unknown): string {
  return createHash('sha1').update(JSON.stringify(object)).digest('hex');
}

let loaded: ManifestCache | undefined;

/** What src/global-setup.ts rendered and validated, once per test run. */
export function manifests(): ManifestCache {
  if (!loaded) {
    const file = process.env[CACHE_ENV];
    if (!file) throw new Error(`${CACHE_ENV} is not set: run through jest -c test/manifests/jest.config.cjs (globalSetup)`);
    loaded = JSON.parse(readFileSync(file, 'utf8')) as ManifestCache;
  }
  return loaded;
}

export function targets(...categories: RenderedTarget['category'][]): RenderedTarget[] {
  const all = manifests().targets;
  return categories.length ? all.filter((t) => categories.includes(t.category)) : all;
}

/** Targets that deploy Box Office itself (overlays and component combinations). */
export function appTargets(): RenderedTarget[] {
  return targets('overlay', 'combination', 'generated');
}

export function target(id: string): RenderedTarget {
  const found = manifests().targets.find((t) => t.id === id);
  if (!found) throw new Error(`no rendered target ${id}`);
  return found;
}

/** Every distinct object across the given targets (deduplicated by content). */
export function uniqueObjects(list: readonly RenderedTarget[]): Array<{ object: K8sObject; targets: string[] }> {
  const byDigest = new Map<string, { object: K8sObject; targets: string[] }>();
  for (const t of list) {
    for (const object of t.objects) {
      const key = digest(object);
      const entry = byDigest.get(key) ?? { object, targets: [] };
      entry.targets.push(t.id);
      byDigest.set(key, entry);
    }
  }
  return [...byDigest.values()];
}
