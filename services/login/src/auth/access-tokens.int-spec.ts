import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { base64url, SignJWT } from 'jose';
import { TokenVerifier } from '@boxoffice/auth';
import { ensureDevKey } from '../keys/dev-key';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';

/**
 * The access-token checks checkout and notify rely on, seen from both sides: login's own
 * /auth/me, and the shared TokenVerifier fetching login's JWKS over HTTP as the other services do.
 */
describe('access tokens: issued by login, verified offline', () => {
  let db: TestDatabase;
  let login: LoginTestApp;
  let verifier: TokenVerifier;
  let jwksUrl: string;
  let signingKey: KeyObject;
  let kid: string;
  let session: { accessToken: string; userId: string; email: string };
  const keys = createKeyDir();

  beforeAll(async () => {
    db = await createTestDatabase();
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile });
    await login.app.listen(0, '127.0.0.1');
    jwksUrl = `http://127.0.0.1:${(login.app.getHttpServer().address() as AddressInfo).port}/.well-known/jwks.json`;
    verifier = new TokenVerifier({ issuer: 'https://login.boxoffice', audience: 'boxoffice', jwksUrl, refetchCooldownMs: 0 });
    signingKey = createPrivateKey(readFileSync(keys.privateKeyFile));
    kid = (await (await fetch(jwksUrl)).json()).keys[0].kid;

    const email = uniqueEmail();
    const registered = await login.http().post('/auth/register').set('X-Forwarded-For', clientIp()).send({ email, password: GOOD_PASSWORD, displayName: 'Token' });
    session = { accessToken: registered.body.accessToken, userId: registered.body.user.id, email };
  });
  afterAll(async () => {
    await login?.close();
    await db?.drop();
    keys.remove();
  });

  /** A token like login's, signed with login's own key, with one thing changed. */
  function forge(change: { expiresIn?: string; audience?: string; key?: KeyObject; kid?: string } = {}): Promise<string> {
    return new SignJWT({ email: session.email, name: 'Token', plan: 'free', region: 'eu' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: change.kid ?? kid })
      .setSubject(session.userId)
      .setIssuer('https://login.boxoffice')
      .setAudience(change.audience ?? 'boxoffice')
      .setIssuedAt()
      .setExpirationTime(change.expiresIn ?? '5m')
      .sign(change.key ?? signingKey);
  }

  function tampered(token: string): string {
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return `${header}.${base64url.encode(JSON.stringify({ ...claims, plan: 'premium' }))}.${signature}`;
  }

  function algNone(token: string): string {
    const [, payload] = token.split('.');
    return `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid }))}.${payload}.`;
  }

  const me = (token: string) => login.http().get('/auth/me').set('Authorization', `Bearer ${token}`);

  it('accepts login’s token on both sides', async () => {
    expect((await me(session.accessToken)).status).toBe(200);
    await expect(verifier.verify(session.accessToken)).resolves.toMatchObject({ userId: session.userId, email: session.email, plan: 'free' });
  });

  it.each([
    ['a tampered signature', async () => tampered(session.accessToken), /signature is invalid/],
    ['an expired token', () => forge({ expiresIn: '-1m' }), /token expired/],
    ['alg: none', async () => algNone(session.accessToken), /algorithm not allowed/],
    ['an unknown kid', () => forge({ key: generateKeyPairSync('ed25519').privateKey, kid: 'not-a-login-key' }), /signing key \(kid\) is unknown/],
    ['the wrong audience', () => forge({ audience: 'another-platform' }), /claim "aud" is invalid/],
  ])('refuses %s with 401 and says why', async (_label, make, reason) => {
    const token = await make();
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(response.body).toMatchObject({ type: 'https://boxoffice.dev/problems/invalid-token', status: 401, detail: expect.stringMatching(reason) });
    await expect(verifier.verify(token)).rejects.toThrow(reason);
  });

  it('refuses a request without a bearer token', async () => {
    const response = await login.http().get('/auth/me');
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('missing bearer token');
  });

  it('keeps accepting tokens of the previous key after a rotation, and verifiers pick up the new key by its kid', async () => {
    await expect(verifier.verify(session.accessToken)).resolves.toBeDefined();
    const fetchesBefore = verifier.jwksStats()!.fetches;

    // Roll out: the same address now serves an instance signing with a new key, the old one published as previous.
    const { port } = login.app.getHttpServer().address() as AddressInfo;
    await login.close();
    const rotated = ensureDevKey(keys.dir, { rotate: true });
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: rotated.privateKeyFile, JWT_PREVIOUS_KEY_FILE: rotated.previousKeyFile });
    await login.app.listen(port, '127.0.0.1');

    const { body: jwks } = await login.http().get('/.well-known/jwks.json');
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([expect.not.stringMatching(kid), kid]);
    const fresh = await login.http().post('/auth/login').set('X-Forwarded-For', clientIp()).send({ email: session.email, password: GOOD_PASSWORD });
    expect(fresh.status).toBe(200);

    await expect(verifier.verify(fresh.body.accessToken)).resolves.toMatchObject({ userId: session.userId });
    expect(verifier.jwksStats()!.fetches).toBe(fetchesBefore + 1);
    await expect(verifier.verify(session.accessToken)).resolves.toMatchObject({ userId: session.userId });
    expect((await me(session.accessToken)).status).toBe(200);
    expect((await me(fresh.body.accessToken)).status).toBe(200);
  });
});
