import { HOT_TIER_ID, NO_TARGET, parseDuration, parseLoadArgs } from './args';
import { capWarning, dueStarts } from './runner';

describe('parseLoadArgs', () => {
  const demo = { LOGIN_URL: 'http://127.0.0.1:23275', CHECKOUT_URL: 'http://127.0.0.1:23276' };

  it("sends load to the running demo's services by default", () => {
    expect(parseLoadArgs([], demo)).toEqual({
      scenario: 'browse-buy',
      users: 20,
      rate: 10,
      durationSeconds: 30,
      maxIterations: 301,
      loginUrl: 'http://127.0.0.1:23275',
      checkoutUrl: 'http://127.0.0.1:23276',
      tierId: HOT_TIER_ID,
      json: false,
    });
  });

  it('says the one command that starts the services when none are given or running', () => {
    expect(() => parseLoadArgs([], {})).toThrow(NO_TARGET);
    expect(NO_TARGET).toContain('start it with: npm start');
    expect(() => parseLoadArgs(['--login-url', 'http://127.0.0.1:4001'], {})).toThrow(NO_TARGET);
  });

  it('reads scenario, users, rate and duration', () => {
    const options = parseLoadArgs(['--scenario', 'flash-sale', '--users', '200', '--rate', '500', '--duration', '2m'], { ...demo, CHECKOUT_URL: 'http://localhost:4000' });
    expect(options).toMatchObject({ scenario: 'flash-sale', users: 200, rate: 500, durationSeconds: 120, checkoutUrl: 'http://localhost:4000' });
  });

  it('names the flag that is wrong', () => {
    expect(() => parseLoadArgs(['--scenario', 'stampede'], demo)).toThrow('--scenario');
    expect(() => parseLoadArgs(['--users', '0'], demo)).toThrow('--users');
    expect(() => parseLoadArgs(['--rate', '2.5'], demo)).toThrow('--rate');
    expect(() => parseLoadArgs(['--duration', 'soon'], demo)).toThrow('--duration');
    expect(() => parseLoadArgs(['--tier', 'hot'], demo)).toThrow('--tier');
    expect(() => parseLoadArgs(['--nope'], demo)).toThrow();
  });

  it('only allows loopback targets', () => {
    expect(() => parseLoadArgs(['--checkout-url', 'http://checkout.example.com'], demo)).toThrow('only loopback targets');
    expect(parseLoadArgs(['--login-url', 'http://[::1]:3001/ignored/path'], demo).loginUrl).toBe('http://[::1]:3001');
  });
});

describe('the iteration cap', () => {
  const demo = { LOGIN_URL: 'http://127.0.0.1:23275', CHECKOUT_URL: 'http://127.0.0.1:23276' };

  it('is sized from rate × duration by default, so a long run is not cut short', () => {
    const options = parseLoadArgs(['--rate', '20', '--duration', '10m'], demo);
    expect(options.maxIterations).toBe(12_001);
    expect(dueStarts(600, { rate: 20, concurrency: 40, durationSeconds: 600, maxIterations: options.maxIterations })).toBe(12_001);
    expect(capWarning({ rate: 20, concurrency: 40, durationSeconds: 600, maxIterations: options.maxIterations })).toBeUndefined();
  });

  it('is said at the start when an explicit cap ends the run before its duration', () => {
    const options = parseLoadArgs(['--rate', '20', '--duration', '10m', '--max-iterations', '10000'], demo);
    expect(options.maxIterations).toBe(10_000);
    expect(capWarning({ rate: 20, concurrency: 40, durationSeconds: 600, maxIterations: 10_000 })).toBe(
      '--max-iterations 10000 ends the run after about 500 s of the 600 s asked for (20/s × 600 s needs 12001); raise it or leave it out',
    );
    expect(() => parseLoadArgs(['--max-iterations', '0'], demo)).toThrow('--max-iterations');
  });
});

describe('parseDuration', () => {
  it('reads plain seconds, s, m and ms', () => {
    expect([parseDuration('45'), parseDuration('45s'), parseDuration('2m'), parseDuration('500ms')]).toEqual([45, 45, 120, 0.5]);
  });
});

describe('dueStarts', () => {
  const pace = { rate: 10, concurrency: 5, durationSeconds: 3, maxIterations: 25 };

  it('starts one at once and `rate` per second after that, up to the duration and the cap', () => {
    expect(dueStarts(0, pace)).toBe(1);
    expect(dueStarts(1.05, pace)).toBe(11);
    expect(dueStarts(2.5, pace)).toBe(25);
    expect(dueStarts(100, { ...pace, maxIterations: 1000 })).toBe(31);
  });
});
