import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureDevKey } from './dev-key';
import { SigningKeys } from './signing-keys';

describe('signing keys from configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'login-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function pemFile(name: string, pem: string | Buffer): string {
    const file = path.join(dir, name);
    writeFileSync(file, pem);
    return file;
  }

  it('signs with the configured Ed25519 key under a kid derived from the key itself', async () => {
    const { privateKeyFile } = ensureDevKey(dir);
    const first = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: privateKeyFile });
    const second = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: privateKeyFile });
    expect(first.current).toMatchObject({ alg: 'EdDSA', kid: second.current.kid });
    expect(first.ephemeral).toBe(false);
    expect(first.jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: first.current.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('publishes the next and previous keys, public halves only, and signs only with the current one', async () => {
    const current = ensureDevKey(dir);
    const previous = pemFile('previous.pem', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const next = pemFile('next.pub.pem', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const keys = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: current.privateKeyFile, JWT_PREVIOUS_KEY_FILE: previous, JWT_NEXT_KEY_FILE: next });

    expect(keys.jwks.keys).toHaveLength(3);
    expect(keys.jwks.keys[0].kid).toBe(keys.current.kid);
    expect(new Set(keys.jwks.keys.map((k) => k.kid)).size).toBe(3);
    for (const jwk of keys.jwks.keys) expect(jwk).not.toHaveProperty('d');
  });

  it('signs RS256 with an RSA key of at least 2048 bits', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: pemFile('rsa.pem', privateKey.export({ type: 'pkcs8', format: 'pem' })) });
    expect(keys.current.alg).toBe('RS256');
    expect(keys.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
  });

  it.each([
    ['a missing file', () => path.join(dir, 'absent.pem'), /JWT_PRIVATE_KEY_FILE: cannot read the key file: ENOENT/],
    ['a file that is not a key', () => pemFile('junk.pem', 'hello'), /JWT_PRIVATE_KEY_FILE: not a PEM private key/],
    ['a public key', () => pemFile('pub.pem', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' })), /not a PEM private key/],
    [
      'a weak RSA key',
      () => pemFile('weak.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
      /unsupported key \(rsa\); use Ed25519 or RSA of at least 2048 bits/,
    ],
    [
      'an EC key',
      () => pemFile('ec.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
      /unsupported key \(ec\)/,
    ],
  ])('refuses %s, naming the variable and the file', async (_label, file, message) => {
    const keyFile = file();
    await expect(SigningKeys.load({ JWT_PRIVATE_KEY_FILE: keyFile })).rejects.toThrow(message);
    await expect(SigningKeys.load({ JWT_PRIVATE_KEY_FILE: keyFile })).rejects.toThrow(keyFile);
  });

  it('generates a throw-away key when none is configured', async () => {
    const keys = await SigningKeys.load({});
    expect(keys.ephemeral).toBe(true);
    expect(keys.current.alg).toBe('EdDSA');
  });
});

describe('development key files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'login-dev-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a private key readable only by its owner, and keeps it on the next run', () => {
    const first = ensureDevKey(dir);
    expect(first.created).toBe(true);
    expect(statSync(first.privateKeyFile).mode & 0o777).toBe(0o600);
    const pem = readFileSync(first.privateKeyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const second = ensureDevKey(dir);
    expect(second.created).toBe(false);
    expect(readFileSync(second.privateKeyFile, 'utf8')).toBe(pem);
    expect(second.previousKeyFile).toBeUndefined();
  });

  it('rotates: the current key becomes the previous one and a new key signs', async () => {
    const before = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: ensureDevKey(dir).privateKeyFile });
    const rotated = ensureDevKey(dir, { rotate: true });
    const after = await SigningKeys.load({ JWT_PRIVATE_KEY_FILE: rotated.privateKeyFile, JWT_PREVIOUS_KEY_FILE: rotated.previousKeyFile });
    expect(after.current.kid).not.toBe(before.current.kid);
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([after.current.kid, before.current.kid]);
  });
});
