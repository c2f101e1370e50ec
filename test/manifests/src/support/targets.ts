import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { relative, repoPath } from './paths';

export type TargetCategory = 'overlay' | 'combination' | 'generated' | 'platform' | 'gitops' | 'building-block';

export interface Target {
  /** Stable id: the repository-relative folder, or `generated:<components>`. */
  id: string;
  category: TargetCategory;
  /** Absolute folder holding kustomization.yaml. */
  dir: string;
  /** Components a generated combination includes (repository-relative). */
  components: string[];
}

function kustomizationDirs(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(parent, entry.name, 'kustomization.yaml')))
    .map((entry) => path.join(parent, entry.name))
    .sort();
}

/** Every folder under kustomize/components, as repository-relative paths. */
export function componentDirs(): string[] {
  return kustomizationDirs(repoPath('kustomize/components')).map(relative);
}

/** Step-plan components under rollouts/strategies. */
export function strategyDirs(): string[] {
  return kustomizationDirs(repoPath('rollouts/strategies')).map(relative);
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);
}

/**
 * The committed kustomizations, plus one generated kustomization per subset of
 * kustomize/components (and each rollout strategy on top of none and of all components),
 * written to a temporary folder and pointing back into the repository by relative paths.
 */
export function listTargets(generatedRoot = path.join(os.tmpdir(), `boxoffice-manifests-${process.pid}`)): Target[] {
  const fixed = (dir: string, category: TargetCategory): Target => ({
    id: relative(dir),
    category,
    dir,
    components: [],
  });
  const targets: Target[] = [
    ...kustomizationDirs(repoPath('kustomize/overlays')).map((d) => fixed(d, 'overlay')),
    ...kustomizationDirs(repoPath('kustomize/tests'))
      .filter((d) => path.basename(d) !== 'namespace')
      .map((d) => fixed(d, 'combination')),
    fixed(repoPath('kustomize/base'), 'building-block'),
    fixed(repoPath('rollouts/analysis'), 'building-block'),
    fixed(repoPath('test/load/k6'), 'building-block'),
    ...kustomizationDirs(repoPath('k8s/platform/envs')).map((d) => fixed(d, 'platform')),
    fixed(repoPath('k8s/platform/prometheus'), 'platform'),
    fixed(repoPath('k8s/argocd/apps'), 'gitops'),
  ];

  const components = componentDirs();
  const combinations: string[][] = subsets(components);
  const all = components;
  for (const strategy of strategyDirs()) {
    combinations.push([strategy], [...all, strategy]);
  }
  mkdirSync(generatedRoot, { recursive: true });
  combinations.forEach((combination, index) => {
    const dir = path.join(generatedRoot, `combination-${index}`);
    mkdirSync(dir, { recursive: true });
    const rel = (p: string) => path.relative(dir, repoPath(p)).split(path.sep).join('/');
    const lines = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: boxoffice-test',
      'resources:',
      `  - ${rel('kustomize/tests/namespace')}`,
      `  - ${rel('kustomize/base')}`,
      ...(combination.length ? ['components:', ...combination.map((c) => `  - ${rel(c)}`)] : []),
    ];
    writeFileSync(path.join(dir, 'kustomization.yaml'), `${lines.join('\n')}\n`);
    targets.push({
      id: `generated:${combination.length ? combination.map((c) => path.basename(c)).join('+') : 'none'}`,
      category: 'generated',
      dir,
      components: combination,
    });
  });
  return targets;
}
