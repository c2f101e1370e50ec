import { createRemoteJWKSet, errors, JWTVerifyGetKey, jwtVerify } from 'jose';
import { ACCEPTED_ALGORITHMS, Principal, principalClaims, principalFromClaims } from './principal';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Where login publishes its keys; fetched once, cached, refetched on an unknown kid. */
  jwksUrl?: string;
  /** A key source for tests or in-process use instead of jwksUrl. */
  keys?: JWTVerifyGetKey;
  /** Minimum time between refetches triggered by unknown kids (rate limit). */
  refetchCooldownMs?: number;
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
 * Verifies login's access tokens locally: signature against the cached JWKS, algorithm, issuer,
 * audience, expiry and not-before. No call to login per request.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.keys) this.keys = options.keys;
    else if (options.jwksUrl)
      this.keys = createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: options.refetchCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
        timeoutDuration: 3_000,
      });
    else throw new Error('TokenVerifier needs jwksUrl or keys');
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const claims = principalClaims.safeParse(payload);
      if (!claims.success) throw new InvalidTokenError('token is missing required claims');
      return principalFromClaims(claims.data);
    } catch (error) {
      throw toInvalidToken(error);
    }
  }
}

function toInvalidToken(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidTokenError(`claim "${error.claim}" is invalid: ${error.reason}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidTokenError('signing key (kid) is unknown');
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('algorithm not allowed');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new InvalidTokenError('token is malformed');
  if (error instanceof errors.JWKSTimeout) return new InvalidTokenError('signing keys unavailable (JWKS timeout)');
  return new InvalidTokenError('token could not be verified');
}
