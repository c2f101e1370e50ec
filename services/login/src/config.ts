import { authEnv } from '@boxoffice/auth';
import { databaseEnv, kafkaEnv, serviceEnv } from '@boxoffice/config';
import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "15m", "1h", "30d" → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

const duration = (min: `${number}${'s' | 'm' | 'h' | 'd'}`, max: `${number}${'s' | 'm' | 'h' | 'd'}`) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h or 30d' });
        return z.NEVER;
      }
      if (ms < (parseDuration(min) ?? 0) || ms > (parseDuration(max) ?? Infinity)) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return ms;
    });

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** "<limit>/<window>", e.g. "10/15m": at most `limit` counted requests per fixed window. */
const rateLimit = z.string().transform((text, ctx): RateLimit => {
  const [limit, window] = text.split('/');
  const windowMs = window === undefined ? undefined : parseDuration(window);
  if (!/^\d+$/.test(limit ?? '') || Number(limit) < 1 || windowMs === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be <limit>/<window>, e.g. 10/15m' });
    return z.NEVER;
  }
  return { limit: Number(limit), windowMs };
});

/**
 * How many proxies in front of login append the caller to X-Forwarded-For: the client address is
 * the entry that many hops from the right (Express "trust proxy" with a hop count). `false`/`0`:
 * none, the TCP peer is the client. Address-based trust ("loopback", "true") is refused: a proxy on
 * a trusted address appends a trusted address, and the walk continues into what the client wrote.
 */
const trustProxy = z.string().transform((text, ctx): false | number => {
  const value = text.trim();
  if (value === 'false' || value === '' || value === '0') return false;
  if (/^\d+$/.test(value) && Number(value) <= 10) return Number(value);
  ctx.addIssue({ code: 'custom', message: 'must be the number of proxies that append to X-Forwarded-For in front of login (0 or false for none, e.g. 1 behind one ingress proxy)' });
  return z.NEVER;
});

const keyFile = z.string().trim().min(1).optional();

// Defaults of parsed variables use prefault: the default text goes through the same parsing as a set value.
export const loginConfigSchema = serviceEnv
  .extend(databaseEnv.shape)
  .extend(kafkaEnv.shape)
  .extend({
    PORT: serviceEnv.shape.PORT.default(3001),
    JWT_ISSUER: authEnv.shape.JWT_ISSUER,
    JWT_AUDIENCE: authEnv.shape.JWT_AUDIENCE,
    /** PEM (PKCS#8) Ed25519 or RSA ≥ 2048 private key: signs every new access token. */
    JWT_PRIVATE_KEY_FILE: keyFile.describe('PEM private key that signs access tokens'),
    /** The key signing before the last rotation (private or public PEM): still published, never signs. */
    JWT_PREVIOUS_KEY_FILE: keyFile,
    /** The key the next rotation will sign with (private or public PEM): published ahead of use. */
    JWT_NEXT_KEY_FILE: keyFile,
    ACCESS_TOKEN_TTL: duration('1m', '1h').prefault('15m'),
    REFRESH_TOKEN_TTL: duration('1h', '90d').prefault('30d'),
    TRUST_PROXY: trustProxy.prefault('false'),
    RATE_LIMIT_LOGIN_PER_IP: rateLimit.prefault('100/15m'),
    RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: rateLimit.prefault('10/15m'),
    RATE_LIMIT_REGISTER_PER_IP: rateLimit.prefault('20/1h'),
    RATE_LIMIT_REGISTER_PER_ACCOUNT: rateLimit.prefault('5/1h'),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({ code: 'custom', path: ['JWT_PRIVATE_KEY_FILE'], message: 'is required in production (an ephemeral key would change on every restart)' });
    }
  });

export type LoginConfig = z.infer<typeof loginConfigSchema>;
export const LOGIN_CONFIG = Symbol('LOGIN_CONFIG');
