import { ProblemException } from '@boxoffice/http';
import { LoginConfig } from '../config';
import { RateLimitPolicy } from './rate-limiter';

export interface RateLimitPolicies {
  /** Every login attempt from one client address. */
  loginPerIp: RateLimitPolicy;
  /** Failed logins for one email, whether or not it has an account (no enumeration through 429s). */
  loginFailuresPerAccount: RateLimitPolicy;
  registerPerIp: RateLimitPolicy;
  registerPerAccount: RateLimitPolicy;
}

export const RATE_LIMIT_POLICIES = Symbol('RATE_LIMIT_POLICIES');

export function rateLimitPolicies(config: LoginConfig): RateLimitPolicies {
  return {
    loginPerIp: { name: 'login-ip', ...config.RATE_LIMIT_LOGIN_PER_IP },
    loginFailuresPerAccount: { name: 'login-account', ...config.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT },
    registerPerIp: { name: 'register-ip', ...config.RATE_LIMIT_REGISTER_PER_IP },
    registerPerAccount: { name: 'register-account', ...config.RATE_LIMIT_REGISTER_PER_ACCOUNT },
  };
}

/** 429 problem details with Retry-After, in the header and as an extension. */
export function tooManyRequests(detail: string, retryAfterSeconds: number): ProblemException {
  return new ProblemException(429, 'rate-limited', 'Too Many Requests', detail, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
}
