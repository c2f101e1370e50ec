import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';

/** The production defaults for failures per account (10/15m); the per-IP limits are set low to be reachable. */
const LIMITS = {
  RATE_LIMIT_LOGIN_PER_IP: '30/15m',
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '10/15m',
  RATE_LIMIT_REGISTER_PER_IP: '5/1h',
  RATE_LIMIT_REGISTER_PER_ACCOUNT: '3/1h',
};

describe('rate limits on login and register (per client address and per account)', () => {
  let db: TestDatabase;
  let login: LoginTestApp;
  const keys = createKeyDir();

  beforeAll(async () => {
    db = await createTestDatabase();
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile, ...LIMITS });
  });
  afterAll(async () => {
    await login?.close();
    await db?.drop();
    keys.remove();
  });

  const register = (app: LoginTestApp, email: string, ip = clientIp()) =>
    app.http().post('/auth/register').set('X-Forwarded-For', ip).send({ email, password: GOOD_PASSWORD, displayName: 'Limited' });
  const logIn = (app: LoginTestApp, email: string, password: string, ip = clientIp()) =>
    app.http().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  async function statusesOf(count: number, attempt: (n: number) => Promise<{ status: number }>): Promise<number[]> {
    const statuses: number[] = [];
    for (let n = 0; n < count; n++) statuses.push((await attempt(n)).status);
    return statuses;
  }

  it('answers 20 wrong passwords with 401 ten times, then 429 with Retry-After; the right password is locked out too', async () => {
    const email = uniqueEmail();
    await register(login, email);

    const statuses = await statusesOf(20, () => logIn(login, email, 'wrong password, again'));
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);

    const locked = await logIn(login, email, GOOD_PASSWORD);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locked.body).toEqual({
      type: 'https://boxoffice.dev/problems/rate-limited',
      title: 'Too Many Requests',
      status: 429,
      detail: 'too many failed logins for this account',
      instance: '/auth/login',
      retryAfterSeconds: retryAfter,
    });
  });

  it('locks out an unknown email exactly like a known one (no enumeration through 429s)', async () => {
    const ghost = uniqueEmail('ghost');
    const statuses = await statusesOf(12, () => logIn(login, ghost, 'wrong password, again'));
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
  });

  it('forgets failures after a successful login', async () => {
    const email = uniqueEmail();
    await register(login, email);
    const before = await statusesOf(9, () => logIn(login, email, 'wrong password, again'));
    expect((await logIn(login, email, GOOD_PASSWORD)).status).toBe(200);
    const after = await statusesOf(9, () => logIn(login, email, 'wrong password, again'));
    expect([...before, ...after]).toEqual(Array(18).fill(401));
  });

  it('limits login attempts per client address across accounts', async () => {
    const ip = clientIp();
    const statuses = await statusesOf(31, () => logIn(login, uniqueEmail(), 'any password at all', ip));
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    expect((await logIn(login, uniqueEmail(), 'any password at all', clientIp())).status).toBe(401);
  });

  it('limits registrations per client address and per email', async () => {
    const ip = clientIp();
    const perIp = await statusesOf(6, () => register(login, uniqueEmail(), ip));
    expect(perIp).toEqual([201, 201, 201, 201, 201, 429]);

    const email = uniqueEmail();
    const perEmail = await statusesOf(4, () => register(login, email));
    expect(perEmail).toEqual([201, 409, 409, 429]);
  });

  it('counts in PostgreSQL, so two replicas share one budget', async () => {
    const replica = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile, ...LIMITS });
    try {
      const email = uniqueEmail();
      await register(login, email);
      const statuses = await statusesOf(12, (n) => logIn(n % 2 === 0 ? login : replica, email, 'wrong password, again'));
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    } finally {
      await replica.close();
    }
  });

  it('behind the deployed TRUST_PROXY, a client rotating X-Forwarded-For through an appending proxy stays one client', async () => {
    // What the Kustomize base deploys, read from the manifest rather than restated here.
    const deployed = /^TRUST_PROXY=(.*)$/m.exec(readFileSync(path.resolve(__dirname, '../../../../kustomize/base/login/config.env'), 'utf8'))?.[1];
    expect(deployed).toBeDefined();
    const proxied = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile, ...LIMITS, TRUST_PROXY: deployed });
    try {
      // The proxy runs on this machine, so the caller it appends is 127.0.0.1; the client's own entries rotate before it.
      const statuses = await statusesOf(35, (n) =>
        proxied.http().post('/auth/login').set('X-Forwarded-For', `203.0.113.${n + 1}, 127.0.0.1`).send({ email: uniqueEmail(), password: 'any password at all' }),
      );
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
      expect(statuses.slice(30)).toEqual(Array(5).fill(429));
    } finally {
      await proxied.close();
    }
  });
});
