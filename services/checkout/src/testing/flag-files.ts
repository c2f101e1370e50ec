import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { editFlag, FlagEdit } from '@boxoffice/flags';

/** The repository's flag files (what FLAGS_DIR=k8s/flags reads from the repo root). */
export const REPO_FLAGS_DIR = path.resolve(__dirname, '../../../../k8s/flags');

/** A private, editable copy of the repo's flag files, for FLAGS_DIR. */
export interface TestFlags {
  dir: string;
  /** Edits one flag the way `npm run flags` does (validated, atomic write); a running client sees it within 2 s. */
  set(key: string, edit: FlagEdit): void;
  remove(): void;
}

export function copyRepoFlags(): TestFlags {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkout-flags-'));
  cpSync(REPO_FLAGS_DIR, dir, { recursive: true });
  return {
    dir,
    set: (key, edit) => void editFlag(dir, 'boxoffice', key, edit),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
