import { base64url } from 'jose';
import { KeysUnavailableError } from './jwks-cache';
import { createTestIssuer, serveJwks, ServedJwks, TestIssuer } from './testing';
import { TokenVerifier, TokenVerifierOptions } from './token-verifier';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TokenVerifier against a JWKS served over HTTP', () => {
  let issuer: TestIssuer;
  let jwks: ServedJwks;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    jwks = await serveJwks(issuer);
    verifier = new TokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: jwks.url, refetchCooldownMs: 0 });
  });
  afterAll(() => jwks.close());

  it('accepts a valid token and returns the principal', async () => {
    const token = await issuer.sign({ plan: 'premium', region: 'us' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ plan: 'premium', region: 'us', email: 'buyer@example.com' });
  });

  it.each([
    ['expired', () => issuer.sign({}, { expiresIn: '-1m' }), 'token expired'],
    ['not yet valid', () => issuer.sign({}, { notBefore: '10m' }), 'claim "nbf" is invalid'],
    ['for another audience', () => issuer.sign({}, { audience: 'elsewhere' }), 'claim "aud" is invalid'],
    ['signed with an unknown kid', () => issuer.sign({}, { kid: 'rotated-away' }), 'signing key (kid) is unknown'],
    ['without a kid', () => issuer.sign({}, { kid: null }), 'token has no key id (kid)'],
    ['of another JWT type (not an access token)', () => issuer.sign({}, { typ: 'JWT' }), 'claim "typ" is invalid'],
  ])('refuses a token %s', async (_label, make, reason) => {
    await expect(verifier.verify(await make())).rejects.toThrow(reason);
  });

  it('refuses a tampered signature', async () => {
    const [header, payload, signature] = (await issuer.sign()).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = base64url.encode(JSON.stringify({ ...claims, plan: 'premium' }));
    await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toThrow('signature is invalid');
  });

  it('refuses alg: none', async () => {
    const [, payload] = (await issuer.sign()).split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: issuer.currentKid }));
    await expect(verifier.verify(`${header}.${payload}.`)).rejects.toThrow(/algorithm not allowed|malformed/);
  });

  it('refuses a token from another issuer even with a known key id', async () => {
    const other = await createTestIssuer('https://evil.example');
    await expect(verifier.verify(await other.sign({}, { kid: issuer.currentKid }))).rejects.toThrow(/claim "iss" is invalid|signature is invalid/);
  });
});

describe('TokenVerifier key cache', () => {
  const cooldownMs = 200;
  let issuer: TestIssuer;
  let jwks: ServedJwks;

  beforeEach(async () => {
    issuer = await createTestIssuer();
    jwks = await serveJwks(issuer);
  });
  afterEach(() => jwks.close());

  const verifierWith = (options: Partial<TokenVerifierOptions> = {}) =>
    new TokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: jwks.url, refetchCooldownMs: cooldownMs, ...options });

  it('fetches the key set once and verifies every later token from memory', async () => {
    const verifier = verifierWith();
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.sign());
    expect(jwks.requests).toBe(1);
  });

  it('picks up a rotated key on its unknown kid and still accepts tokens of the previous key', async () => {
    const verifier = verifierWith();
    const beforeRotation = await issuer.sign();
    await verifier.verify(beforeRotation);
    await issuer.rotate();
    await sleep(cooldownMs + 50);

    await expect(verifier.verify(await issuer.sign({ region: 'us' }))).resolves.toMatchObject({ region: 'us' });
    await expect(verifier.verify(beforeRotation)).resolves.toBeDefined();
    expect(jwks.requests).toBe(2);
  });

  it('refetches at most once per cooldown however many unknown kids arrive', async () => {
    const verifier = verifierWith();
    await verifier.verify(await issuer.sign());
    await sleep(cooldownMs + 50);

    const unknown = await Promise.all(Array.from({ length: 10 }, (_, n) => issuer.sign({}, { kid: `forged-${n}` })));
    const results = await Promise.allSettled(unknown.map((token) => verifier.verify(token)));
    for (const token of unknown) await expect(verifier.verify(token)).rejects.toThrow('signing key (kid) is unknown');

    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(jwks.requests).toBe(2);
  });

  it('keeps verifying with the cached keys while login is unreachable', async () => {
    const verifier = verifierWith({ cacheMaxAgeMs: 50, refetchCooldownMs: 0 });
    await verifier.verify(await issuer.sign());
    jwks.available = false;
    await sleep(80);

    await expect(verifier.verify(await issuer.sign())).resolves.toBeDefined();
    for (let waited = 0; jwks.requests < 2 && waited < 1000; waited += 10) await sleep(10);
    expect(jwks.requests).toBe(2);
  });

  it('says the keys are unavailable (not that the token is bad) when it never got them, without retrying per request', async () => {
    jwks.available = false;
    const verifier = verifierWith();
    const token = await issuer.sign();
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(KeysUnavailableError);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(KeysUnavailableError);
    expect(jwks.requests).toBe(1);

    jwks.available = true;
    await sleep(cooldownMs + 50);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});
