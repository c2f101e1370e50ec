import { ExecutionContext } from '@nestjs/common';
import { createLocalJWKSet } from 'jose';
import { ProblemException } from '@boxoffice/http';
import { AuthGuard } from './auth.guard';
import { KeysUnavailableError } from './jwks-cache';
import { createTestIssuer, TestIssuer } from './testing';
import { TokenVerifier } from './token-verifier';

function contextWith(authorization?: string): { context: ExecutionContext; request: Record<string, unknown> } {
  const request: Record<string, unknown> = { headers: authorization === undefined ? {} : { authorization } };
  const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { context, request };
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}

describe('AuthGuard', () => {
  let issuer: TestIssuer;
  let guard: AuthGuard;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    guard = new AuthGuard(new TokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, keys: createLocalJWKSet(issuer.jwks) }));
  });

  it('attaches the principal of a valid bearer token', async () => {
    const { context, request } = contextWith(`Bearer ${await issuer.sign({ plan: 'premium' })}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.principal).toMatchObject({ plan: 'premium' });
  });

  it('answers 401 with a Bearer challenge naming the reason', async () => {
    const problem = await problemOf(guard.canActivate(contextWith(`Bearer ${await issuer.sign({}, { expiresIn: '-1m' })}`).context));
    expect(problem.getStatus()).toBe(401);
    expect(problem.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="token expired"');
  });

  it('answers 401 without a bearer token', async () => {
    const problem = await problemOf(guard.canActivate(contextWith('Basic dXNlcjpwYXNz').context));
    expect(problem.toProblem().detail).toBe('missing bearer token');
  });

  it('answers 503 with Retry-After when the signing keys cannot be fetched', async () => {
    const down = new AuthGuard(
      new TokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        keys: () => Promise.reject(new KeysUnavailableError('http://login/.well-known/jwks.json', new Error('ECONNREFUSED'))),
      }),
    );
    const problem = await problemOf(down.canActivate(contextWith(`Bearer ${await issuer.sign()}`).context));
    expect(problem.getStatus()).toBe(503);
    expect(problem.headers['Retry-After']).toBe('5');
  });
});
