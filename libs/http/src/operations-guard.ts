import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ProblemException } from './problem';

/** Provide the configured OPERATIONS_TOKEN under this token in a module that uses OperationsGuard. */
export const OPERATIONS_TOKEN = Symbol('OPERATIONS_TOKEN');

/**
 * Guards operations endpoints (relay and consumer internals) that reach the service port but are
 * not for customers: they answer only `Authorization: Bearer <OPERATIONS_TOKEN>`, and not at all
 * while no token is configured.
 */
@Injectable()
export class OperationsGuard implements CanActivate {
  private readonly token?: Buffer;

  constructor(@Optional() @Inject(OPERATIONS_TOKEN) token?: string) {
    this.token = token ? Buffer.from(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.token) {
      throw new ProblemException(403, 'operations-disabled', 'Forbidden', 'operations endpoints are off: set OPERATIONS_TOKEN to enable them');
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
      throw new ProblemException(401, 'operations-token-required', 'Unauthorized', 'send the operations token: Authorization: Bearer <OPERATIONS_TOKEN>', {}, { 'WWW-Authenticate': 'Bearer' });
    }
    return true;
  }
}
