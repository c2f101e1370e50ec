import { errors, JWTVerifyGetKey, jwtVerify } from 'jose';
import { JwksCache, JwksCacheStats, KeysUnavailableError } from './jwks-cache';
import { ACCEPTED_ALGORITHMS, ACCESS_TOKEN_TYPE, Principal, principalClaims, principalFromClaims } from './principal';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Where login publishes its keys; fetched once, cached, refetched on an unknown kid. */
  jwksUrl?: string;
  /** A key source for tests or in-process use (login itself) instead of jwksUrl. */
  keys?: JWTVerifyGetKey;
  /** Minimum time between JWKS fetches, whatever triggers them (rate limit). Default 30 s. */
  refetchCooldownMs?: number;
  /** Age after which the key set is refreshed in the background. Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Default 3 s. */
  fetchTimeoutMs?: number;
  clockToleranceSec?: number;
}

/** Why a token was refused: safe to show to the caller. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies login's access tokens locally: signature against the cached JWKS, algorithm (EdDSA
 * or RS256 only, so never `none`), key id, token type, issuer, audience, expiry and not-before.
 * No call to login per request. Throws InvalidTokenError (the caller's fault: 401) or
 * KeysUnavailableError (login's keys cannot be had: 503).
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly cache?: JwksCache;

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.keys) this.keys = options.keys;
    else if (options.jwksUrl) {
      this.cache = new JwksCache({
        url: options.jwksUrl,
        cooldownMs: options.refetchCooldownMs,
        maxAgeMs: options.cacheMaxAgeMs,
        timeoutMs: options.fetchTimeoutMs,
      });
      this.keys = this.cache.getKey;
    } else throw new Error('TokenVerifier needs jwksUrl or keys');
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, requireKeyId(this.keys), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const claims = principalClaims.safeParse(payload);
      if (!claims.success) throw new InvalidTokenError('token is missing required claims');
      return principalFromClaims(claims.data);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      throw toInvalidToken(error);
    }
  }

  /** JWKS fetch counters (undefined when keys were given directly). */
  jwksStats(): JwksCacheStats | undefined {
    return this.cache?.stats();
  }
}

/** Login always names its key; a token without `kid` could only be matched by trying keys. */
function requireKeyId(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return (header, token) => {
    if (typeof header.kid !== 'string' || header.kid === '') throw new InvalidTokenError('token has no key id (kid)');
    return keys(header, token);
  };
}

function toInvalidToken(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidTokenError(`claim "${error.claim}" is invalid: ${error.reason}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidTokenError('signing key (kid) is unknown');
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('algorithm not allowed');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new InvalidTokenError('token is malformed');
  return new InvalidTokenError('token could not be verified');
}
