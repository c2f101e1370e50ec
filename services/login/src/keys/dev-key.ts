import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const DEV_KEY_FILE = 'jwt-signing-key.pem';
export const DEV_PREVIOUS_KEY_FILE = 'jwt-previous-key.pem';

export interface DevKeys {
  /** Value for JWT_PRIVATE_KEY_FILE. */
  privateKeyFile: string;
  /** Value for JWT_PREVIOUS_KEY_FILE, when a rotation left one. */
  previousKeyFile?: string;
  created: boolean;
}

/**
 * A development Ed25519 signing key in `dir` (PKCS#8 PEM, mode 0600). Keeps an existing key, so
 * tokens survive restarts; `rotate` moves the current key to the previous slot and makes a new one.
 */
export function ensureDevKey(dir: string, options: { rotate?: boolean } = {}): DevKeys {
  const directory = path.resolve(dir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const privateKeyFile = path.join(directory, DEV_KEY_FILE);
  const previousKeyFile = path.join(directory, DEV_PREVIOUS_KEY_FILE);
  const exists = existsSync(privateKeyFile);
  if (exists && options.rotate) renameSync(privateKeyFile, previousKeyFile);
  const create = !exists || options.rotate === true;
  if (create) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return { privateKeyFile, previousKeyFile: existsSync(previousKeyFile) ? previousKeyFile : undefined, created: create };
}
