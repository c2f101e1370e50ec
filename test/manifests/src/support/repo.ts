import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { relative, repoPath } from './paths';

/** Files below a repository folder whose name matches, repository-relative. */
export function findFiles(folder: string, match: (name: string) => boolean): string[] {
  const root = repoPath(folder);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === 'dist') continue;
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) visit(full);
      else if (match(entry)) out.push(relative(full));
    }
  };
  visit(root);
  return out.sort();
}

export function readRepoFile(file: string): string {
  return readFileSync(repoPath(file), 'utf8');
}

export function readYaml<T = unknown>(file: string): T {
  return parse(readRepoFile(file)) as T;
}

/** Every kustomization.yaml the project owns. */
export function kustomizationFiles(): string[] {
  return ['kustomize', 'rollouts', 'k8s', 'test/load'].flatMap((folder) =>
    findFiles(folder, (name) => name === 'kustomization.yaml' || name === 'kustomization.yml'),
  );
}

/** `KEY=value` lines of an env file (comments and blanks skipped). */
export function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readRepoFile(file)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}
