import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, accessTokenClaims, Principal } from '@boxoffice/auth';
import { LOGIN_CONFIG, LoginConfig } from '../config';
import { SigningKeys } from '../keys/signing-keys';

export interface IssuedAccessToken {
  accessToken: string;
  /** Lifetime in seconds. */
  expiresIn: number;
}

/** Signs short-lived access tokens with the current key; checkout and notify verify them offline. */
@Injectable()
export class AccessTokenIssuer {
  private readonly ttlSeconds: number;

  constructor(
    private readonly keys: SigningKeys,
    @Inject(LOGIN_CONFIG) private readonly config: LoginConfig,
  ) {
    this.ttlSeconds = Math.floor(config.ACCESS_TOKEN_TTL / 1000);
  }

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    const { kid, alg, privateKey } = this.keys.current;
    const accessToken = await new SignJWT(accessTokenClaims(principal))
      .setProtectedHeader({ alg, kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(principal.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(privateKey);
    return { accessToken, expiresIn: this.ttlSeconds };
  }
}
