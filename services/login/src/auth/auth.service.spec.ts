import { ProblemException } from '@boxoffice/http';
import { OutboxRelay } from '@boxoffice/outbox';
import { AccountsRepository, EmailTakenError } from '../accounts/accounts.repository';
import { LoginConfig } from '../config';
import { User } from '../generated/prisma/client';
import { PasswordHasher } from '../passwords/password-hasher';
import { RateLimitPolicies } from '../rate-limit/rate-limit-policies';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { RefreshTokenStore } from '../tokens/refresh-token.store';
import { AuthService } from './auth.service';

const user: User = {
  id: '6f1f6a52-3c3e-4a52-9d8b-3f0c2b8f1e11',
  email: 'jane@example.com',
  displayName: 'Jane',
  plan: 'free',
  region: 'eu',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$stored',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

const policy = (name: string) => ({ name, limit: 10, windowMs: 60_000 });
const limits: RateLimitPolicies = {
  loginPerIp: policy('login-ip'),
  loginFailuresPerAccount: policy('login-account'),
  registerPerIp: policy('register-ip'),
  registerPerAccount: policy('register-account'),
};

function setup(found: User | null) {
  const accounts = { findByEmail: jest.fn().mockResolvedValue(found), findById: jest.fn(), create: jest.fn(), updatePasswordHash: jest.fn() };
  const passwords = {
    verify: jest.fn().mockResolvedValue(false),
    verifyWithoutAccount: jest.fn().mockResolvedValue(false),
    hash: jest.fn().mockResolvedValue('$argon2id$new'),
    needsRehash: jest.fn().mockReturnValue(false),
  };
  const limiter = {
    hit: jest.fn().mockResolvedValue({ allowed: true, retryAfterSeconds: 60 }),
    check: jest.fn().mockResolvedValue({ allowed: true, retryAfterSeconds: 0 }),
    reset: jest.fn(),
  };
  const accessTokens = { issue: jest.fn().mockResolvedValue({ accessToken: 'jwt', expiresIn: 900 }) };
  const refreshTokens = { startFamily: jest.fn().mockResolvedValue({ refreshToken: 'opaque', refreshTokenExpiresIn: 60 }) };
  const outbox = { nudge: jest.fn() };
  const service = new AuthService(
    accounts as unknown as AccountsRepository,
    passwords as unknown as PasswordHasher,
    accessTokens as unknown as AccessTokenIssuer,
    refreshTokens as unknown as RefreshTokenStore,
    limiter as unknown as RateLimiter,
    limits,
    outbox as unknown as OutboxRelay,
    { SERVICE_VERSION: 'spec' } as LoginConfig,
  );
  return { service, accounts, passwords, limiter, outbox };
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return (error as ProblemException).getStatus();
}

describe('AuthService.login', () => {
  it('does the Argon2id work for an unknown email and counts the failure against that email', async () => {
    const { service, passwords, limiter } = setup(null);
    expect(await statusOf(service.login({ email: 'ghost@example.com', password: 'guess' }, '10.0.0.1'))).toBe(401);
    expect(passwords.verifyWithoutAccount).toHaveBeenCalledWith('guess');
    expect(limiter.hit).toHaveBeenCalledWith(limits.loginFailuresPerAccount, 'ghost@example.com');
  });

  it('does not check the password of a locked account, so a locked account confirms no guess', async () => {
    const { service, passwords, limiter } = setup(user);
    limiter.check.mockResolvedValue({ allowed: false, retryAfterSeconds: 42 });
    expect(await statusOf(service.login({ email: user.email, password: 'maybe right' }, '10.0.0.1'))).toBe(429);
    expect(passwords.verify).not.toHaveBeenCalled();
  });

  it('clears the failure count and upgrades a weak hash after a successful login', async () => {
    const { service, passwords, limiter, accounts } = setup(user);
    passwords.verify.mockResolvedValue(true);
    passwords.needsRehash.mockReturnValue(true);
    await expect(service.login({ email: user.email, password: 'right' }, '10.0.0.1')).resolves.toMatchObject({ accessToken: 'jwt', refreshToken: 'opaque' });
    expect(limiter.reset).toHaveBeenCalledWith(limits.loginFailuresPerAccount, user.email);
    expect(accounts.updatePasswordHash).toHaveBeenCalledWith(user.id, '$argon2id$new');
  });
});

describe('AuthService.register', () => {
  const input = { email: 'new@example.com', password: 'correct horse battery', displayName: 'New', plan: 'free' as const, region: 'eu' };

  it('answers 409 when the unique index refuses a concurrent duplicate', async () => {
    const { service, accounts, outbox } = setup(null);
    accounts.create.mockRejectedValue(new EmailTakenError());
    expect(await statusOf(service.register(input, '10.0.0.1'))).toBe(409);
    expect(outbox.nudge).not.toHaveBeenCalled();
  });

  it('stores the account with its event and wakes the outbox relay', async () => {
    const { service, accounts, outbox } = setup(null);
    accounts.create.mockImplementation(async (account) => ({ ...user, ...account }));
    await service.register(input, '10.0.0.1');
    const [account, record] = accounts.create.mock.calls[0];
    expect(account).toMatchObject({ email: input.email, passwordHash: '$argon2id$new' });
    expect(record).toMatchObject({ topic: 'login.user-registered.v1', key: account.id, payload: { payload: { userId: account.id, email: input.email } } });
    expect(outbox.nudge).toHaveBeenCalled();
  });
});
