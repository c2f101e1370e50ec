import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { EventOf, parseEvent } from '@boxoffice/contracts';
import { headerValue } from '@boxoffice/kafka';
import { requireStackEnv, waitFor } from '@boxoffice/testing';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';
import { AccountsRepository, EmailTakenError, NewAccount } from './accounts.repository';
import { USER_REGISTERED, userRegisteredRecord } from './user-registered.event';

type Registered = EventOf<typeof USER_REGISTERED>;

interface Received {
  key: string;
  eventIdHeader?: string;
  value: Buffer;
}

describe('registration: one account per email, one event per account', () => {
  const stack = requireStackEnv();
  const keys = createKeyDir();
  let db: TestDatabase;
  let login: LoginTestApp;
  let consumer: Consumer;
  // Every message on the topic (other tests and the e2e smoke test publish there too).
  const received: Received[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Per-email and per-IP limits above 20, so the concurrent registrations below meet the unique index, not the limiter.
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile, RATE_LIMIT_REGISTER_PER_ACCOUNT: '50/1h', RATE_LIMIT_REGISTER_PER_IP: '100/1h' });

    consumer = new Kafka({ clientId: 'login-int', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `login-int-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: USER_REGISTERED, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key?.toString() ?? '', eventIdHeader: headerValue(message.headers, 'event-id'), value: message.value ?? Buffer.alloc(0) });
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await login?.close();
    await db?.drop();
    keys.remove();
  });

  const register = (email: string, displayName = 'Racer') =>
    login.http().post('/auth/register').set('X-Forwarded-For', clientIp()).send({ email, password: GOOD_PASSWORD, displayName });

  it('turns 20 concurrent registrations of one email into exactly one account and 19 × 409', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, n) => register(n % 2 ? email : email.toUpperCase(), `Racer ${n}`)));

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const conflict of responses.filter((r) => r.status === 409)) expect(conflict.body.type).toBe('https://boxoffice.dev/problems/email-taken');

    const accounts = await db.pool.query('SELECT id FROM user_account WHERE email = $1', [email]);
    expect(accounts.rows).toHaveLength(1);
    const events = await db.pool.query("SELECT id FROM outbox_event WHERE payload->'payload'->>'email' = $1", [email]);
    expect(events.rows).toHaveLength(1);
  });

  it('lets the unique index decide when two inserts of one email race past the early check', async () => {
    const accounts = login.app.get(AccountsRepository);
    const email = uniqueEmail('index');
    const account = (): NewAccount => ({ id: randomUUID(), email, displayName: 'Index', plan: 'free', region: 'eu', passwordHash: 'x', createdAt: new Date() });
    const producer = { service: 'login', version: 'int-test' };
    const results = await Promise.allSettled([account(), account()].map((a) => accounts.create(a, userRegisteredRecord(a, producer))));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(EmailTakenError) });
    const events = await db.pool.query("SELECT id FROM outbox_event WHERE payload->'payload'->>'email' = $1", [email]);
    expect(events.rows).toHaveLength(1);
  });

  it('publishes login.user-registered.v1 through the outbox: each event reaches Kafka exactly once', async () => {
    const emails = Array.from({ length: 8 }, () => uniqueEmail('welcome'));
    const created = await Promise.all(emails.map((email) => register(email, 'Welcome')));
    expect(created.map((r) => r.status)).toEqual(Array(8).fill(201));

    const { rows: outbox } = await db.pool.query<{ id: string }>('SELECT id FROM outbox_event ORDER BY seq');
    const ids = new Set(outbox.map((row) => row.id));
    const ours = () => received.filter((r) => r.eventIdHeader !== undefined && ids.has(r.eventIdHeader));
    await waitFor(() => new Set(ours().map((r) => r.eventIdHeader)).size === ids.size, { timeoutMs: 20_000, what: 'every outbox event on Kafka' });
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM outbox_event WHERE published_at IS NULL')).rowCount === 0, {
      what: 'every outbox row stamped published',
    });
    // Let any duplicate that was in flight arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const perEventId = new Map<string, number>();
    for (const r of ours()) perEventId.set(r.eventIdHeader!, (perEventId.get(r.eventIdHeader!) ?? 0) + 1);
    expect([...perEventId.values()]).toEqual(Array(ids.size).fill(1));

    const events = ours().map((r) => {
      const parsed = parseEvent(USER_REGISTERED, r.value);
      if (!parsed.ok) throw parsed.error;
      return { key: r.key, eventIdHeader: r.eventIdHeader, event: parsed.event as Registered };
    });
    for (const response of created) {
      const event = events.find((r) => r.event.payload.userId === response.body.user.id);
      expect(event).toMatchObject({
        key: response.body.user.id,
        eventIdHeader: event!.event.eventId,
        event: {
          type: 'login.user-registered',
          version: 1,
          producer: { service: 'login', version: 'int-test' },
          payload: { userId: response.body.user.id, email: response.body.user.email, displayName: 'Welcome', plan: 'free', region: 'eu', registeredAt: response.body.user.createdAt },
        },
      });
    }
  });
});
