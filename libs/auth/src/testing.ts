/**
 * Test doubles for services that verify login's tokens: a real key pair, a JWKS served over
 * HTTP on 127.0.0.1, and tokens signed like login signs them. Imported as @boxoffice/auth/testing.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, accessTokenClaims, Principal } from './principal';

export interface SignOptions {
  expiresIn?: string;
  /** Header kid; `null` leaves it out. */
  kid?: string | null;
  audience?: string;
  notBefore?: string;
  typ?: string;
}

export interface TestIssuer {
  issuer: string;
  audience: string;
  /** What login's /.well-known/jwks.json would serve: the current key first, then the previous one. */
  jwks: { keys: JWK[] };
  /** kid of the key `sign` uses. */
  readonly currentKid: string;
  sign(principal?: Partial<Principal>, options?: SignOptions): Promise<string>;
  /** Signs with a new key from now on; the old key stays published as the previous one. */
  rotate(): Promise<void>;
}

export function testPrincipal(overrides: Partial<Principal> = {}): Principal {
  return { userId: randomUUID(), email: 'buyer@example.com', displayName: 'Test Buyer', plan: 'free', region: 'eu', ...overrides };
}

async function newKey(): Promise<{ kid: string; privateKey: KeyLike; jwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

export async function createTestIssuer(issuer = 'https://login.boxoffice', audience = 'boxoffice'): Promise<TestIssuer> {
  let current = await newKey();
  const jwks = { keys: [current.jwk] };
  return {
    issuer,
    audience,
    jwks,
    get currentKid() {
      return current.kid;
    },
    async sign(overrides = {}, options = {}) {
      const principal = testPrincipal(overrides);
      const kid = options.kid === undefined ? current.kid : options.kid;
      const jwt = new SignJWT(accessTokenClaims(principal))
        .setProtectedHeader({ alg: 'EdDSA', typ: options.typ ?? ACCESS_TOKEN_TYPE, ...(kid === null ? {} : { kid }) })
        .setSubject(principal.userId)
        .setIssuer(issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m');
      if (options.notBefore) jwt.setNotBefore(options.notBefore);
      return jwt.sign(current.privateKey);
    },
    async rotate() {
      const previous = current;
      current = await newKey();
      jwks.keys.splice(0, jwks.keys.length, current.jwk, previous.jwk);
    },
  };
}

export interface ServedJwks {
  url: string;
  /** How many times the JWKS was requested. */
  readonly requests: number;
  /** While false the endpoint answers 503, like a login that is down. */
  available: boolean;
  close(): Promise<void>;
}

/** Serves the issuer's JWKS at http://127.0.0.1:<port>/.well-known/jwks.json. */
export async function serveJwks(issuer: TestIssuer): Promise<ServedJwks> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    requests += 1;
    if (!served.available) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  const served: ServedJwks = {
    url: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    available: true,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return served;
}
