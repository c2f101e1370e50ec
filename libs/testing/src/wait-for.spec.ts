import { requireStackEnv } from './stack-env';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? calls : undefined), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('fails naming what it waited for and the last error', async () => {
    const probe = () => {
      throw new Error('connection refused');
    };
    await expect(waitFor(probe, { timeoutMs: 30, intervalMs: 5, what: 'notify ready' })).rejects.toThrow(
      /waiting for notify ready \(last error: connection refused\)/,
    );
  });
});

describe('requireStackEnv', () => {
  it('names the missing variables and the fix', () => {
    expect(() => requireStackEnv({ DATABASE_HOST: 'x' })).toThrow(/missing DATABASE_PORT, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BROKERS\): run them with "npm test"/);
  });
});
