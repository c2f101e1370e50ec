import { Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1).
 * The numeric 2 is Algorithm.Argon2id: a const enum, which isolated-module builds cannot read.
 */
export const ARGON2ID_OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** NFKC, as NIST SP 800-63B asks, so the same password typed on two keyboards hashes the same. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(normalizePassword(password), ARGON2ID_OPTIONS);
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, normalizePassword(password));
    } catch {
      return false;
    }
  }

  /**
   * For an unknown email: the same Argon2id work as checking a real account, so the answer
   * takes as long as a wrong password and cannot tell which emails have accounts.
   */
  async verifyWithoutAccount(password: string): Promise<false> {
    await this.verify(await this.prepare(), password);
    return false;
  }

  /** Computes the stand-in hash once up front, so that the first unknown email is not slower. */
  prepare(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('base64url'));
    return this.dummyHash;
  }

  /** True when the hash was made with weaker parameters than today's: rehash on the next login. */
  needsRehash(storedHash: string): boolean {
    try {
      const used = parseOptions(storedHash);
      return (
        used.algorithm !== ARGON2ID_OPTIONS.algorithm ||
        used.memoryCost < ARGON2ID_OPTIONS.memoryCost ||
        used.timeCost < ARGON2ID_OPTIONS.timeCost ||
        used.outputLen < ARGON2ID_OPTIONS.outputLen
      );
    } catch {
      return true;
    }
  }
}
