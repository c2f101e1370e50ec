import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_ENV, digest, type ManifestCache } from './support/cache';
import { repoPath } from './support/paths';
import { assertKustomizeAvailable, parseManifests, renderAll } from './support/render';
import { buildRolloutsEval, ROLLOUTS_EVAL_ENV } from './support/rollouts-eval';
import { validateSchemas } from './support/schema';
import { listTargets } from './support/targets';

/**
 * Renders every kustomization once (overlays, committed and generated component
 * combinations, platform, Argo CD), validates every distinct object's schema once, and hands
 * the result to the spec files through a JSON file named in BOXOFFICE_MANIFESTS_CACHE.
 */
export default async function globalSetup(): Promise<void> {
  assertKustomizeAvailable();
  const started = Date.now();
  const generatedRoot = path.join(os.tmpdir(), `boxoffice-manifests-${process.pid}`);
  const targets = listTargets(generatedRoot);
  const rendered = await renderAll(targets, Math.max(2, os.cpus().length));
  rmSync(generatedRoot, { recursive: true, force: true });

  const cache: ManifestCache = {
    targets: targets.map((t, i) => ({
      id: t.id,
      category: t.category,
      components: t.components,
      objects: rendered[i].objects,
      ...(rendered[i].error ? { error: rendered[i].error } : {}),
    })),
    schema: {},
    renderMillis: 0,
  };
  // Plain manifests that are applied without Kustomize.
  const root = repoPath('k8s/argocd/root-application.yaml');
  cache.targets.push({
    id: 'k8s/argocd/root-application.yaml',
    category: 'gitops',
    components: [],
    objects: parseManifests(readFileSync(root, 'utf8'), root),
  });
  cache.renderMillis = Date.now() - started;
  // A figure, not an assertion: render time depends on the machine's load (speeds belong in benchmarks).
  console.log(`\nmanifests: rendered ${cache.targets.length} targets in ${(cache.renderMillis / 1000).toFixed(1)} s`);

  const unique = new Map<string, unknown>();
  for (const t of cache.targets) for (const o of t.objects) unique.set(digest(o), o);
  const keys = [...unique.keys()];
  const results = validateSchemas(keys.map((k) => unique.get(k)));
  keys.forEach((k, i) => (cache.schema[k] = results[i]));

  const file = path.join(os.tmpdir(), `boxoffice-manifests-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(cache));
  process.env[CACHE_ENV] = file;

  const evaluator = path.join(os.tmpdir(), `boxoffice-rollouts-eval-${process.pid}`);
  buildRolloutsEval(evaluator);
  process.env[ROLLOUTS_EVAL_ENV] = evaluator;
}
