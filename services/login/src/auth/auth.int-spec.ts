import { decodeJwt, decodeProtectedHeader } from 'jose';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';

describe('login HTTP API against real PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let login: LoginTestApp;
  const keys = createKeyDir();

  beforeAll(async () => {
    db = await createTestDatabase();
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile });
  });
  afterAll(async () => {
    await login?.close();
    await db?.drop();
    keys.remove();
  });

  const register = (body: object, ip = clientIp()) => login.http().post('/auth/register').set('X-Forwarded-For', ip).send(body);
  const logIn = (email: string, password: string, ip = clientIp()) => login.http().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('registers an account and answers with it and a first token pair', async () => {
    const email = uniqueEmail('jane');
    const response = await register({ email, password: GOOD_PASSWORD, displayName: 'Jane', region: 'us-east' });

    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      user: { id: expect.any(String), email, displayName: 'Jane', plan: 'free', region: 'us-east', createdAt: expect.any(String) },
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      refreshTokenExpiresIn: 30 * 86_400,
    });
    const { rows } = await db.pool.query('SELECT email, plan, region, password_hash FROM user_account WHERE id = $1', [response.body.user.id]);
    expect(rows[0]).toMatchObject({ email, plan: 'free', region: 'us-east', password_hash: expect.stringMatching(/^\$argon2id\$/) });
  });

  it('defaults to the free plan in region eu and stores the email normalised', async () => {
    const email = uniqueEmail('Mixed.Case');
    const response = await register({ email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD, displayName: '  Max  ' });
    expect(response.status).toBe(201);
    expect(response.body.user).toMatchObject({ email: email.toLowerCase(), displayName: 'Max', plan: 'free', region: 'eu' });
    expect((await logIn(email.toUpperCase(), GOOD_PASSWORD)).status).toBe(200);
  });

  it('logs in with the access token claims checkout and notify read, and /auth/me answers with the account', async () => {
    const email = uniqueEmail();
    const { body: registered } = await register({ email, password: GOOD_PASSWORD, displayName: 'Claims', region: 'eu' });
    const response = await logIn(email, GOOD_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');

    const header = decodeProtectedHeader(response.body.accessToken);
    const claims = decodeJwt(response.body.accessToken);
    const { body: jwks } = await login.http().get('/.well-known/jwks.json');
    expect(header).toEqual({ alg: 'EdDSA', kid: jwks.keys[0].kid, typ: 'at+jwt' });
    expect(claims).toMatchObject({
      sub: registered.user.id,
      email,
      name: 'Claims',
      plan: 'free',
      region: 'eu',
      iss: 'https://login.boxoffice',
      aud: 'boxoffice',
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(900);

    const me = await login.http().get('/auth/me').set('Authorization', `Bearer ${response.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.body).toEqual(registered.user);
  });

  it('refreshes into a new pair and logs out', async () => {
    const email = uniqueEmail();
    await register({ email, password: GOOD_PASSWORD, displayName: 'Refresh' });
    const first = (await logIn(email, GOOD_PASSWORD)).body;

    const refreshed = await login.http().post('/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    expect((await login.http().get('/auth/me').set('Authorization', `Bearer ${refreshed.body.accessToken}`)).status).toBe(200);

    expect((await login.http().post('/auth/logout').send({ refreshToken: refreshed.body.refreshToken })).status).toBe(204);
    const afterLogout = await login.http().post('/auth/refresh').send({ refreshToken: refreshed.body.refreshToken });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body).toMatchObject({ type: 'https://boxoffice.dev/problems/invalid-refresh-token', detail: 'refresh token is revoked; log in again' });
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const email = uniqueEmail();
    await register({ email, password: GOOD_PASSWORD, displayName: 'Known' });
    const wrongPassword = await logIn(email, 'not the password at all');
    const unknownEmail = await logIn(uniqueEmail('nobody'), 'not the password at all');

    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body).toEqual({
      type: 'https://boxoffice.dev/problems/invalid-credentials',
      title: 'Invalid credentials',
      status: 401,
      detail: 'email or password is incorrect',
      instance: '/auth/login',
    });
  });

  it('answers a duplicate email (in any case) with 409 naming the field', async () => {
    const email = uniqueEmail();
    expect((await register({ email, password: GOOD_PASSWORD, displayName: 'First' })).status).toBe(201);
    const duplicate = await register({ email: email.toUpperCase(), password: GOOD_PASSWORD, displayName: 'Second' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      type: 'https://boxoffice.dev/problems/email-taken',
      status: 409,
      errors: [{ field: 'email', reason: 'is already registered' }],
    });
  });

  it('lists every invalid field with its reason', async () => {
    const response = await register({ email: 'not-an-email', password: 'short', displayName: '', region: 'Europe' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'email', reason: 'must be an email address' },
        { field: 'password', reason: 'must be at least 12 characters (a few unrelated words work well)' },
        { field: 'displayName', reason: 'must not be empty' },
        { field: 'region', reason: 'must be a lowercase region code such as "eu" or "us-east"' },
      ]),
    );
  });

  it('never lets the client choose its plan, and refuses unknown fields on every endpoint, naming them', async () => {
    const premium = await register({ email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Upgrade Me', plan: 'premium' });
    expect(premium.status).toBe(400);
    expect(premium.body.errors).toEqual([{ field: '(body)', reason: expect.stringMatching(/Unrecognized key.*"plan"/) }]);

    const email = uniqueEmail();
    await register({ email, password: GOOD_PASSWORD, displayName: 'Strict' });
    const extra = await logIn(email, GOOD_PASSWORD).then(() => login.http().post('/auth/login').send({ email, password: GOOD_PASSWORD, admin: true }));
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ field: '(body)', reason: expect.stringMatching(/Unrecognized key.*"admin"/) }]);
    for (const route of ['/auth/refresh', '/auth/logout']) {
      const response = await login.http().post(route).send({ refreshToken: 'x', extra: 1 });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: '(body)', reason: expect.stringMatching(/Unrecognized key.*"extra"/) }]);
    }
  });

  it('refuses a display name with line breaks, control characters or markup', async () => {
    for (const displayName of ['Eve\r\nBcc: victim@example.com', 'Tab\there', '<b>Eve</b>']) {
      const response = await register({ email: uniqueEmail(), password: GOOD_PASSWORD, displayName });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'displayName', reason: expect.stringMatching(/control characters|< or >/) }]);
    }
    expect((await register({ email: uniqueEmail(), password: GOOD_PASSWORD, displayName: "Siobhán O'Brien-Łukasz" })).status).toBe(201);
  });

  it('refuses a password that contains the email', async () => {
    const response = await register({ email: 'jane.doe@example.com', password: 'jane.doe-is-my-password', displayName: 'Jane' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'password', reason: 'must not contain your email address' }]);
  });

  it('answers a body that is not JSON with 400 problem details, not a 500', async () => {
    const response = await login.http().post('/auth/login').set('Content-Type', 'application/json').send('{"email":');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://boxoffice.dev/problems/malformed-body',
      status: 400,
      title: 'Malformed request body',
      detail: expect.stringMatching(/^the body is not valid JSON: /),
      instance: '/auth/login',
    });
  });

  it('publishes only public keys, cacheable', async () => {
    const response = await login.http().get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.body.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' }]);
  });

  it('documents its endpoints in the OpenAPI document', async () => {
    const { body } = await login.http().get('/docs/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout', '/auth/me', '/.well-known/jwks.json']),
    );
    expect(body.paths['/auth/register'].post.requestBody.content['application/json'].schema).toBeDefined();
  });
});
