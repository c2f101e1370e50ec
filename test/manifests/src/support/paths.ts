import * as path from 'node:path';

/** Repository root (test/manifests/src/support → four levels up). */
export const repoRoot = path.resolve(__dirname, '../../../..');

export function repoPath(...segments: string[]): string {
  return path.join(repoRoot, ...segments);
}

/** Repository-relative path with forward slashes, for messages and ids. */
export function relative(absolute: string): string {
  return path.relative(repoRoot, absolute).split(path.sep).join('/');
}
