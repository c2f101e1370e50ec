import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '@boxoffice/http';
import { KeysUnavailableError } from './jwks-cache';
import { Principal } from './principal';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

/** 401 problem details with the reason and a Bearer challenge. */
export function unauthorized(reason: string): ProblemException {
  const challenge = `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`;
  return new ProblemException(401, 'invalid-token', 'Unauthorized', reason, {}, { 'WWW-Authenticate': challenge });
}

/** login's keys could not be fetched: the token may be fine, so the client should retry, not re-login. */
export function keysUnavailable(): ProblemException {
  return new ProblemException(503, 'auth-keys-unavailable', 'Service Unavailable', 'token signing keys are temporarily unavailable', {}, { 'Retry-After': '5' });
}

type AuthenticatedRequest = Request & { principal?: Principal };

/** Requires a valid `Authorization: Bearer <access token>` and attaches the principal to the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw unauthorized('missing bearer token');
    try {
      request.principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw keysUnavailable();
      throw unauthorized(error instanceof InvalidTokenError ? error.reason : 'token could not be verified');
    }
    return true;
  }
}

/** The authenticated caller; use on routes behind AuthGuard. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw unauthorized('not authenticated');
  return principal;
});
