import { databaseBusy, isDatabaseBusy } from './database-busy';

describe('database busy errors', () => {
  it.each([
    ['the pg pool found no free connection in time', new Error('timeout exceeded when trying to connect')],
    ['Prisma timed out waiting for a pool connection', Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' })],
    ['Prisma could not start a transaction in time', Object.assign(new Error('Transaction API error'), { code: 'P2028' })],
  ])('recognises %s', (_label, error) => {
    expect(isDatabaseBusy(error)).toBe(true);
  });

  it('leaves every other error alone', () => {
    expect(isDatabaseBusy(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseBusy(undefined)).toBe(false);
  });

  it('answers 503 with Retry-After', () => {
    const problem = databaseBusy();
    expect(problem.getStatus()).toBe(503);
    expect(problem.headers).toEqual({ 'Retry-After': '1' });
  });
});
