import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { buildEvent, EventOf } from '@boxoffice/contracts';
import { deployMigrations } from '@boxoffice/db-migrate';
import { databaseUrl, requireStackEnv, waitFor } from '@boxoffice/testing';
import { outboxRecord, OutboxRecord } from './outbox-record';
import { BatchSender, createOutboxPool, OutboxRelay } from './outbox-relay';

const stack = requireStackEnv();
const topic = 'login.user-registered.v1';

function registered(userId: string, n: number): EventOf<typeof topic> {
  return buildEvent(
    topic,
    { userId, email: `u${n}@example.com`, displayName: `User ${n}`, plan: 'free', region: 'eu', registeredAt: new Date().toISOString() },
    { producer: { service: 'outbox-int', version: 'test' } },
  );
}

async function insert(pool: Pool, record: OutboxRecord): Promise<void> {
  await pool.query('INSERT INTO outbox_event (id, topic, key, type, payload, headers) VALUES ($1, $2, $3, $4, $5, $6)', [
    record.id,
    record.topic,
    record.key,
    record.type,
    record.payload,
    record.headers,
  ]);
}

describe('OutboxRelay against real PostgreSQL and Kafka', () => {
  const database = `outbox_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = databaseUrl(stack, database);
  const kafka = new Kafka({ clientId: 'outbox-int', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let pool: Pool;

  beforeAll(async () => {
    await deployMigrations({ service: 'login', url });
    pool = new Pool({ connectionString: url, max: 5 });
    pool.on('error', () => undefined); // the test ends every connection once (terminateConnections)
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await pool.end();
    const admin = new Pool({ connectionString: databaseUrl(stack, 'postgres') });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  beforeEach(() => pool.query('DELETE FROM outbox_event'));

  it('publishes every row in per-key order and stamps it published', async () => {
    const users = Array.from({ length: 4 }, () => randomUUID());
    const events = Array.from({ length: 40 }, (_, n) => registered(users[n % users.length], n));
    for (const event of events) await insert(pool, outboxRecord(topic, event));

    const consumer = kafka.consumer({ groupId: `outbox-int-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const wanted = new Set(events.map((e) => e.eventId));
    const received: Array<{ key: string; eventId: string }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString()) as EventOf<typeof topic>;
        if (wanted.has(event.eventId)) received.push({ key: message.key!.toString(), eventId: event.eventId });
      },
    });

    const relay = new OutboxRelay(pool, () => producer, { batchSize: 7, pollIntervalMs: 20 });
    relay.start();
    try {
      await waitFor(() => received.length >= events.length, { timeoutMs: 30_000, what: 'all outbox events on the topic' });
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'backlog to reach zero' });
    } finally {
      await relay.stop();
      await consumer.disconnect();
    }
    for (const user of users) {
      const sent = events.filter((e) => e.payload.userId === user).map((e) => e.eventId);
      expect(received.filter((r) => r.key === user).map((r) => r.eventId)).toEqual(sent);
    }
    expect(relay.snapshot()).toMatchObject({ published: 40, backlog: 0 });
  });

  it('keeps rows while the broker is unreachable and drains them in order when it returns', async () => {
    const user = randomUUID();
    const events = Array.from({ length: 10 }, (_, n) => registered(user, n));
    for (const event of events) await insert(pool, outboxRecord(topic, event));

    let brokerUp = false;
    const sent: string[] = [];
    const flaky: BatchSender = {
      async sendBatch(batch) {
        if (!brokerUp) throw new Error('KafkaJSConnectionError: connect ECONNREFUSED');
        for (const { messages } of batch.topicMessages) for (const m of messages) sent.push(JSON.parse(String(m.value)).eventId);
      },
    };
    const relay = new OutboxRelay(pool, () => flaky, { batchSize: 3, pollIntervalMs: 10, minBackoffMs: 10, maxBackoffMs: 40 });
    relay.start();
    try {
      await waitFor(() => relay.snapshot().failedAttempts >= 3, { what: 'failed attempts while the broker is down' });
      expect(await relay.backlog()).toBe(10);
      const { rows } = await pool.query<{ attempts: number; last_error: string }>('SELECT attempts, last_error FROM outbox_event ORDER BY seq LIMIT 1');
      expect(rows[0].attempts).toBeGreaterThanOrEqual(3);
      expect(rows[0].last_error).toMatch(/ECONNREFUSED/);

      brokerUp = true;
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'the backlog to drain' });
    } finally {
      await relay.stop();
    }
    expect(sent).toEqual(events.map((e) => e.eventId));
  });

  it('keeps to its backoff while the broker is down, however often writers nudge it', async () => {
    await insert(pool, outboxRecord(topic, registered(randomUUID(), 0)));
    const down: BatchSender = {
      sendBatch: async () => {
        throw new Error('KafkaJSConnectionError: connect ECONNREFUSED');
      },
    };
    const relay = new OutboxRelay(pool, () => down, { pollIntervalMs: 10, minBackoffMs: 400, maxBackoffMs: 400 });
    relay.start();
    try {
      await waitFor(() => relay.snapshot().failedAttempts >= 1, { what: 'the first failed attempt' });
      for (let i = 0; i < 40; i++) {
        relay.nudge(); // as every committed order does
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // About 450 ms of nudging at 10 ms intervals: the first attempt and one or two after 400 ms backoffs.
      expect(relay.snapshot().failedAttempts).toBeLessThanOrEqual(3);
    } finally {
      await relay.stop();
    }
  });

  it('lets only one relay per database publish (advisory lock), and hands over when it stops', async () => {
    const first = new OutboxRelay(pool, () => producer);
    const second = new OutboxRelay(pool, () => producer);
    await insert(pool, outboxRecord(topic, registered(randomUUID(), 1)));
    expect(await first.publishOnce()).toBe(1);
    await insert(pool, outboxRecord(topic, registered(randomUUID(), 2)));
    expect(await second.publishOnce()).toBe(0);
    expect(second.snapshot().leader).toBe(false);
    await first.stop();
    expect(await second.publishOnce()).toBe(1);
    await second.stop();
  });

  /** Ends every server connection to the test database, as a PostgreSQL restart does. */
  async function terminateConnections(): Promise<number> {
    const admin = new Pool({ connectionString: databaseUrl(stack, 'postgres'), max: 1 });
    try {
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      return rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('survives the database ending its connections (idle and leader lock alike), then takes the lock again and publishes', async () => {
    const relayPool = createOutboxPool(url);
    const sent: string[] = [];
    const sender: BatchSender = {
      async sendBatch(batch) {
        for (const { messages } of batch.topicMessages) for (const m of messages) sent.push(JSON.parse(String(m.value)).eventId);
      },
    };
    // A long poll: between nudges the relay's connections sit idle in its pool, as in a quiet service.
    const relay = new OutboxRelay(relayPool, () => sender, { pollIntervalMs: 60_000, minBackoffMs: 10, maxBackoffMs: 50 });
    relay.start();
    try {
      const before = registered(randomUUID(), 1);
      await insert(pool, outboxRecord(topic, before));
      relay.nudge();
      await waitFor(() => sent.includes(before.eventId), { what: 'the first event' });
      expect(relayPool.idleCount).toBeGreaterThanOrEqual(1);
      // Idle connections' 'error' events reach the pool: without a listener they would end this process.
      expect(await terminateConnections()).toBeGreaterThanOrEqual(2);
      await waitFor(() => relayPool.idleCount === 0, { what: 'the pool to drop its ended connections' });

      const after = registered(randomUUID(), 2);
      // The test's own pool may hand out a connection that was just ended: one retry.
      await insert(pool, outboxRecord(topic, after)).catch(() => insert(pool, outboxRecord(topic, after)));
      relay.nudge();
      await waitFor(() => sent.includes(after.eventId) && relay.snapshot().leader, { what: 'the relay to lead again and publish' });
      expect(sent).toEqual([before.eventId, after.eventId]);
    } finally {
      await relay.stop();
      await relayPool.end();
    }
  });

  it('stamps what the broker acknowledged while the database was away, instead of publishing it again', async () => {
    const events = Array.from({ length: 5 }, (_, n) => registered(randomUUID(), n));
    for (const event of events) await insert(pool, outboxRecord(topic, event));
    // The database is "away" for the first stamp after the broker's ack: its UPDATE fails once.
    let failStamp = true;
    const flakyPool = Object.create(pool) as Pool;
    flakyPool.query = ((text: string, values?: unknown[]) => {
      if (failStamp && typeof text === 'string' && text.startsWith('UPDATE outbox_event SET published_at')) {
        failStamp = false;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return pool.query(text, values);
    }) as Pool['query'];
    const sent: string[] = [];
    const sender: BatchSender = {
      async sendBatch(batch) {
        for (const { messages } of batch.topicMessages) for (const m of messages) sent.push(JSON.parse(String(m.value)).eventId);
      },
    };
    const relay = new OutboxRelay(flakyPool, () => sender, { pollIntervalMs: 10, minBackoffMs: 10, maxBackoffMs: 50 });
    relay.start();
    try {
      await waitFor(async () => !failStamp && (await relay.backlog()) === 0, { what: 'every row stamped' });
    } finally {
      await relay.stop();
    }
    expect(sent).toEqual(events.map((e) => e.eventId)); // each once
  });
});
