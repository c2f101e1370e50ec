import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, JWK, JWTVerifyGetKey } from 'jose';

export type SigningAlgorithm = 'EdDSA' | 'RS256';

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: every replica derives the same kid from the same key. */
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/** Where the keys come from; the variable names are reported in errors. */
export interface KeyFiles {
  JWT_PRIVATE_KEY_FILE?: string;
  JWT_PREVIOUS_KEY_FILE?: string;
  JWT_NEXT_KEY_FILE?: string;
}

/** A key file that cannot be used: says which variable, which file and why. */
export class SigningKeyError extends Error {
  constructor(variable: string, path: string, reason: string) {
    super(`${variable}: ${reason} (${path})`);
    this.name = 'SigningKeyError';
  }
}

/**
 * The key that signs access tokens and the public keys login publishes: the current key, the
 * next one (published ahead of a rotation) and the previous one (still verifying tokens signed
 * before the rotation). Only the current key ever signs.
 */
export class SigningKeys {
  private constructor(
    readonly current: SigningKey,
    readonly jwks: { keys: JWK[] },
    /** True when no key file was configured and a throw-away key was generated (development only). */
    readonly ephemeral: boolean,
  ) {}

  static async load(files: KeyFiles): Promise<SigningKeys> {
    const path = files.JWT_PRIVATE_KEY_FILE;
    const privateKey = path ? readKey('JWT_PRIVATE_KEY_FILE', path, 'private') : generateKeyPairSync('ed25519').privateKey;
    const alg = algorithmOf(privateKey, 'JWT_PRIVATE_KEY_FILE', path ?? '(generated)');
    const currentJwk = await publicJwk(createPublicKey(privateKey), alg);

    const published: JWK[] = [currentJwk];
    for (const variable of ['JWT_NEXT_KEY_FILE', 'JWT_PREVIOUS_KEY_FILE'] as const) {
      const file = files[variable];
      if (!file) continue;
      const key = readKey(variable, file, 'public');
      const jwk = await publicJwk(key, algorithmOf(key, variable, file));
      if (!published.some((k) => k.kid === jwk.kid)) published.push(jwk);
    }
    return new SigningKeys({ kid: currentJwk.kid, alg, privateKey }, { keys: published }, !path);
  }

  /** Login verifies its own tokens (GET /auth/me) against the published set, in memory. */
  verificationKeys(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }
}

function readKey(variable: string, path: string, kind: 'private' | 'public'): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SigningKeyError(variable, path, `cannot read the key file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    // createPublicKey also accepts a private key and derives its public half.
    return kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new SigningKeyError(variable, path, `not a PEM ${kind} key`);
  }
}

function algorithmOf(key: KeyObject, variable: string, path: string): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new SigningKeyError(variable, path, `unsupported key (${key.asymmetricKeyType}); use Ed25519 or RSA of at least 2048 bits`);
}

async function publicJwk(publicKey: KeyObject, alg: SigningAlgorithm): Promise<JWK & { kid: string }> {
  const jwk = await exportJWK(publicKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}
