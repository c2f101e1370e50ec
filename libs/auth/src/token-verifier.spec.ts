import { base64url } from 'jose';
import { createTestIssuer, serveJwks, TestIssuer } from './testing';
import { TokenVerifier } from './token-verifier';

describe('TokenVerifier against a JWKS served over HTTP', () => {
  let issuer: TestIssuer;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
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
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    await expect(verifier.verify(`${header}.${payload}.`)).rejects.toThrow(/algorithm not allowed|malformed/);
  });

  it('refuses a token from another issuer even with a known key id', async () => {
    const other = await createTestIssuer('https://evil.example');
    await expect(verifier.verify(await other.sign({}, { kid: issuer.jwks.keys[0].kid }))).rejects.toThrow(/claim "iss" is invalid|signature is invalid/);
  });
});
