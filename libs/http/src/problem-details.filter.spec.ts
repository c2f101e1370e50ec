import { ConflictException } from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import { z } from 'zod';
import { ProblemException } from './problem';
import { ProblemDetailsFilter } from './problem-details.filter';

const filter = new ProblemDetailsFilter();

describe('ProblemDetailsFilter', () => {
  it('renders a domain problem with its type, extensions and headers', () => {
    const error = new ProblemException(503, 'orders-paused', 'Orders are paused', 'try again shortly', { retryAfterSeconds: 30 }, { 'Retry-After': '30' });
    expect(filter.toProblem(error, '/orders')).toEqual({
      problem: {
        type: 'https://boxoffice.dev/problems/orders-paused',
        title: 'Orders are paused',
        status: 503,
        detail: 'try again shortly',
        instance: '/orders',
        retryAfterSeconds: 30,
      },
      headers: { 'Retry-After': '30' },
    });
  });

  it('lists every invalid field with its reason', () => {
    const result = z.object({ quantity: z.number().int().min(1), tierId: z.uuid() }).safeParse({ quantity: 0, tierId: 'x' });
    const { problem } = filter.toProblem(new ZodValidationException(result.error), '/orders');
    expect(problem).toMatchObject({ status: 400, title: 'Invalid request', type: 'https://boxoffice.dev/problems/validation' });
    expect(problem.errors).toEqual([
      { field: 'quantity', reason: expect.stringMatching(/>=1/) },
      { field: 'tierId', reason: expect.stringMatching(/UUID/i) },
    ]);
  });

  it('maps Nest HTTP exceptions to their status and title', () => {
    expect(filter.toProblem(new ConflictException('email already registered'), '/auth/register').problem).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'email already registered',
      instance: '/auth/register',
    });
  });

  it('never leaks the message of an unexpected error', () => {
    const { problem } = filter.toProblem(new Error('password=hunter2 at db.ts:12'), '/x');
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});
