import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '@boxoffice/http';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key: required, 1 to 255 visible ASCII characters (a UUID is ideal). */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  const reason =
    value === undefined
      ? 'required: send a unique key (e.g. a UUID) per order attempt, and the same key when retrying it'
      : typeof value !== 'string' || !VALID_KEY.test(value)
        ? 'must be 1 to 255 visible ASCII characters, sent once'
        : undefined;
  if (reason) {
    throw new ProblemException(400, 'validation', 'Invalid request', 'The Idempotency-Key header is missing or invalid.', {
      errors: [{ field: IDEMPOTENCY_HEADER, reason }],
    });
  }
  return value as string;
});
