import { DynamicModule, Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard';
import { AuthEnv } from './principal';
import { TokenVerifier, TokenVerifierOptions } from './token-verifier';

@Module({})
export class AuthModule {
  /** TokenVerifier + AuthGuard from validated env; tests may pass `keys` instead of a JWKS URL. */
  static register(env: AuthEnv, overrides: Partial<TokenVerifierOptions> = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        {
          provide: TokenVerifier,
          useFactory: () => new TokenVerifier({ issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, jwksUrl: env.JWKS_URL, ...overrides }),
        },
        AuthGuard,
      ],
      exports: [TokenVerifier, AuthGuard],
    };
  }
}
