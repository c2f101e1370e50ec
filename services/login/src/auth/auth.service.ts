import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal, unauthorized } from '@boxoffice/auth';
import { ProblemException } from '@boxoffice/http';
import { OutboxRelay } from '@boxoffice/outbox';
import { AccountsRepository, EmailTakenError, NewAccount } from '../accounts/accounts.repository';
import { userRegisteredRecord } from '../accounts/user-registered.event';
import { LOGIN_CONFIG, LoginConfig } from '../config';
import { User } from '../generated/prisma/client';
import { PasswordHasher } from '../passwords/password-hasher';
import { RATE_LIMIT_POLICIES, RateLimitPolicies, tooManyRequests } from '../rate-limit/rate-limit-policies';
import { RateLimiter, RateLimitPolicy } from '../rate-limit/rate-limiter';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { RefreshTokenStore } from '../tokens/refresh-token.store';
import { LoginDto, RegisterDto } from './auth.dto';

export interface SessionTokens {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshTokenExpiresIn: number;
}

export function toPrincipal(user: User): Principal {
  return { userId: user.id, email: user.email, displayName: user.displayName, plan: user.plan, region: user.region };
}

function emailTaken(): ProblemException {
  return new ProblemException(409, 'email-taken', 'Email already registered', 'an account with this email exists; log in instead', {
    errors: [{ field: 'email', reason: 'is already registered' }],
  });
}

/** One answer for an unknown email and a wrong password: nothing tells them apart. */
function invalidCredentials(): ProblemException {
  return new ProblemException(401, 'invalid-credentials', 'Invalid credentials', 'email or password is incorrect');
}

function invalidRefreshToken(detail: string): ProblemException {
  return new ProblemException(401, 'invalid-refresh-token', 'Invalid refresh token', detail);
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_POLICIES) private readonly limits: RateLimitPolicies,
    private readonly outbox: OutboxRelay,
    @Inject(LOGIN_CONFIG) private readonly config: LoginConfig,
  ) {}

  async register(input: RegisterDto, clientIp: string): Promise<{ user: User; tokens: SessionTokens }> {
    await this.count(this.limits.registerPerIp, clientIp, 'too many registrations from this address');
    await this.count(this.limits.registerPerAccount, input.email, 'too many registration attempts for this email');
    // Cheap early answer; the unique index still decides between concurrent requests.
    if (await this.accounts.findByEmail(input.email)) throw emailTaken();

    const account: NewAccount = {
      id: randomUUID(),
      email: input.email,
      displayName: input.displayName,
      // Chosen by the server: a client never picks its own plan.
      plan: 'free',
      region: input.region,
      passwordHash: await this.passwords.hash(input.password),
      createdAt: new Date(),
    };
    let user: User;
    try {
      user = await this.accounts.create(account, userRegisteredRecord(account, { service: 'login', version: this.config.SERVICE_VERSION }));
    } catch (error) {
      if (error instanceof EmailTakenError) throw emailTaken();
      throw error;
    }
    this.outbox.nudge();
    return { user, tokens: await this.startSession(user) };
  }

  async login(input: LoginDto, clientIp: string): Promise<SessionTokens> {
    await this.count(this.limits.loginPerIp, clientIp, 'too many login attempts from this address');
    const failures = this.limits.loginFailuresPerAccount;
    // Checked before the password: a locked account must not confirm a correct guess.
    const lockout = await this.limiter.check(failures, input.email);
    if (!lockout.allowed) throw tooManyRequests('too many failed logins for this account', lockout.retryAfterSeconds);

    const user = await this.accounts.findByEmail(input.email);
    const valid = user ? await this.passwords.verify(user.passwordHash, input.password) : await this.passwords.verifyWithoutAccount(input.password);
    if (!user || !valid) {
      await this.limiter.hit(failures, input.email);
      throw invalidCredentials();
    }
    await this.limiter.reset(failures, input.email);
    await this.upgradeHash(user, input.password);
    return this.startSession(user);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const rotation = await this.refreshTokens.rotate(refreshToken);
    if (rotation.outcome === 'reused') throw invalidRefreshToken('refresh token was already used; every session of this login is revoked, log in again');
    if (rotation.outcome !== 'rotated') throw invalidRefreshToken(`refresh token is ${rotation.outcome}; log in again`);
    const user = await this.accounts.findById(rotation.userId);
    if (!user) throw invalidRefreshToken('the account no longer exists');
    return { tokenType: 'Bearer', ...(await this.accessTokens.issue(toPrincipal(user))), ...rotation.token };
  }

  /** Revokes the refresh token's family; access tokens already issued run out on their own. */
  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOf(refreshToken, 'logout');
  }

  async currentUser(principal: Principal): Promise<User> {
    const user = await this.accounts.findById(principal.userId);
    if (!user) throw unauthorized('the account no longer exists');
    return user;
  }

  private async startSession(user: User): Promise<SessionTokens> {
    const [access, refresh] = await Promise.all([this.accessTokens.issue(toPrincipal(user)), this.refreshTokens.startFamily(user.id)]);
    return { tokenType: 'Bearer', ...access, ...refresh };
  }

  private async count(policy: RateLimitPolicy, subject: string, detail: string): Promise<void> {
    const decision = await this.limiter.hit(policy, subject);
    if (!decision.allowed) throw tooManyRequests(detail, decision.retryAfterSeconds);
  }

  private async upgradeHash(user: User, password: string): Promise<void> {
    if (!this.passwords.needsRehash(user.passwordHash)) return;
    try {
      await this.accounts.updatePasswordHash(user.id, await this.passwords.hash(password));
    } catch (error) {
      this.logger.warn({ userId: user.id, err: error }, 'password rehash skipped');
    }
  }
}
