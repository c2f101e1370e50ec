/**
 * Test doubles for services that verify login's tokens: a real key pair, a JWKS served over
 * HTTP on 127.0.0.1, and tokens signed like login signs them. Imported as @boxoffice/auth/testing.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { Principal } from './principal';

export interface TestIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  sign(principal?: Partial<Principal>, options?: { expiresIn?: string; kid?: string; audience?: string; notBefore?: string }): Promise<string>;
}

export function testPrincipal(overrides: Partial<Principal> = {}): Principal {
  return { userId: randomUUID(), email: 'buyer@example.com', displayName: 'Test Buyer', plan: 'free', region: 'eu', ...overrides };
}

export async function createTestIssuer(issuer = 'https://login.boxoffice', audience = 'boxoffice'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    issuer,
    audience,
    jwks: { keys: [jwk] },
    async sign(overrides = {}, options = {}) {
      const principal = testPrincipal(overrides);
      const jwt = new SignJWT({ email: principal.email, name: principal.displayName, plan: principal.plan, region: principal.region })
        .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? kid })
        .setSubject(principal.userId)
        .setIssuer(issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m');
      if (options.notBefore) jwt.setNotBefore(options.notBefore);
      return jwt.sign(privateKey);
    },
  };
}

/** Serves the issuer's JWKS at http://127.0.0.1:<port>/.well-known/jwks.json. */
export async function serveJwks(issuer: TestIssuer): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks));
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
