import { hashRefreshToken } from './refresh-token.store';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';

describe('refresh tokens: opaque, hashed, rotated, theft-detecting', () => {
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

  async function newAccount(): Promise<string> {
    const email = uniqueEmail();
    await login.http().post('/auth/register').set('X-Forwarded-For', clientIp()).send({ email, password: GOOD_PASSWORD, displayName: 'Session' });
    return email;
  }
  const logIn = async (email: string) =>
    (await login.http().post('/auth/login').set('X-Forwarded-For', clientIp()).send({ email, password: GOOD_PASSWORD })).body.refreshToken as string;
  const refresh = (refreshToken: string) => login.http().post('/auth/refresh').send({ refreshToken });

  it('stores only the SHA-256 of a refresh token', async () => {
    const token = await logIn(await newAccount());
    const { rows } = await db.pool.query('SELECT token_hash FROM refresh_token WHERE token_hash = $1', [Buffer.from(hashRefreshToken(token))]);
    expect(rows).toHaveLength(1);
    const { rows: clear } = await db.pool.query("SELECT 1 FROM refresh_token WHERE token_hash = convert_to($1, 'UTF8')", [token]);
    expect(clear).toHaveLength(0);
  });

  it('rotates on every use: each token works once', async () => {
    const first = await logIn(await newAccount());
    const second = await refresh(first);
    expect(second.status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    expect(new Set([first, second.body.refreshToken, third.body.refreshToken]).size).toBe(3);
  });

  it('revokes the whole family when an already-used token is presented, and leaves other logins alone', async () => {
    const email = await newAccount();
    const stolen = await logIn(email);
    const otherDevice = await logIn(email);
    const legitimate = (await refresh(stolen)).body.refreshToken;

    const reuse = await refresh(stolen);
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({
      type: 'https://boxoffice.dev/problems/invalid-refresh-token',
      detail: 'refresh token was already used; every session of this login is revoked, log in again',
    });
    expect((await refresh(legitimate)).status).toBe(401);
    expect((await refresh(otherDevice)).status).toBe(200);

    const { rows } = await db.pool.query(
      'SELECT f.revoked_reason FROM refresh_token_family f JOIN refresh_token t ON t.family_id = f.id WHERE t.token_hash = $1',
      [Buffer.from(hashRefreshToken(legitimate))],
    );
    expect(rows[0].revoked_reason).toBe('reuse-detected');
  });

  it('lets exactly one of two concurrent exchanges of one token through, then treats the family as stolen', async () => {
    const token = await logIn(await newAccount());
    const results = await Promise.all([refresh(token), refresh(token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200)!.body.refreshToken;
    expect((await refresh(winner)).status).toBe(401);
  });

  it('logout revokes the family; logging out an unknown token is not an error', async () => {
    const token = await logIn(await newAccount());
    const next = (await refresh(token)).body.refreshToken;
    expect((await login.http().post('/auth/logout').send({ refreshToken: token })).status).toBe(204);
    expect((await refresh(next)).status).toBe(401);
    expect((await login.http().post('/auth/logout').send({ refreshToken: 'never-issued' })).status).toBe(204);
  });

  it('refuses an expired or unknown refresh token', async () => {
    const token = await logIn(await newAccount());
    await db.pool.query("UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [Buffer.from(hashRefreshToken(token))]);
    expect((await refresh(token)).body).toMatchObject({ status: 401, detail: 'refresh token is expired; log in again' });
    expect((await refresh('never-issued')).body).toMatchObject({ status: 401, detail: 'refresh token is unknown; log in again' });
  });

  it('answers a missing refresh token with a field-level 400', async () => {
    const response = await login.http().post('/auth/refresh').send({});
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'refreshToken', reason: expect.any(String) }]);
  });
});
