import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Admin, Kafka, Producer } from 'kafkajs';
import request from 'supertest';
import { createTestIssuer, serveJwks, ServedJwks, TestIssuer } from '@boxoffice/auth/testing';
import { loadConfig } from '@boxoffice/config';
import { deadLetter } from '@boxoffice/contracts';
import { configureHttpApp } from '@boxoffice/http';
import { requireStackEnv, waitFor } from '@boxoffice/testing';
import { AppModule } from './app.module';
import { notifyConfigSchema } from './config';
import { ConsumerStats } from './consumer/consumer-stats';
import { startNotifyConsumer } from './consumer/start-consumer';
import { DeadLetterTopic } from './dead-letters/dead-letter-topic';
import { customer, orderConfirmed, orderFailed, userRegistered } from './testing/events';
import { DeadLetterWatch, header, publish, startGroupAtEnd, testKafka, uniqueGroup } from './testing/kafka';
import { freshNotifyDatabase, TestDatabase } from './testing/notify-database';
import { WebhookReceiver } from './testing/webhook-receiver';

const stack = requireStackEnv();
const WEBHOOK_ATTEMPTS = 3;

describe('notify in-process, on the real PostgreSQL and Kafka', () => {
  const group = uniqueGroup('int');
  const receiver = new WebhookReceiver();
  let db: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let deadLetters: DeadLetterWatch;
  let issuer: TestIssuer;
  let jwks: ServedJwks;
  let app: INestApplication;

  const delivered = async (eventId: string) => (await db.notificationsFor([eventId])).find((n) => n.status === 'delivered');

  beforeAll(async () => {
    [db, issuer] = await Promise.all([freshNotifyDatabase(stack, 'int'), createTestIssuer(), receiver.start()]);
    jwks = await serveJwks(issuer);
    kafka = testKafka(stack, 'notify-int');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    await startGroupAtEnd(kafka, admin, group);
    deadLetters = await new DeadLetterWatch(kafka).start(admin);

    const config = loadConfig(notifyConfigSchema, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_CONSUMER_GROUP: group,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      JWKS_URL: jwks.url,
      NOTIFY_DEFAULT_CHANNEL: 'webhook',
      WEBHOOK_URL: receiver.url,
      WEBHOOK_MAX_ATTEMPTS: String(WEBHOOK_ATTEMPTS),
      WEBHOOK_BACKOFF_INITIAL_MS: '20',
      WEBHOOK_BACKOFF_MAX_MS: '100',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = configureHttpApp(moduleRef.createNestApplication({ bufferLogs: true }), { service: 'notify', version: 'int-test', description: 'notify' });
    await startNotifyConsumer(app, config);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await deadLetters?.stop();
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await Promise.all([receiver.stop(), jwks?.close(), db?.drop()]);
  });

  beforeEach(() => {
    receiver.respond = () => 204;
  });

  it('turns a redelivered event into one notification, delivered once', async () => {
    const event = orderConfirmed();
    await publish(producer, 'checkout.order-confirmed.v1', [event, event]);
    await waitFor(() => delivered(event.eventId), { timeoutMs: 15_000, what: 'the notification to be delivered' });

    // Same order id, same key, same partition: once the marker is done, so is the copy before it.
    const marker = orderConfirmed(event.payload.customer, event.payload.orderId);
    await publish(producer, 'checkout.order-confirmed.v1', [event, marker]);
    await waitFor(() => delivered(marker.eventId), { timeoutMs: 15_000, what: 'the marker after the third copy' });

    expect(await db.notificationsFor([event.eventId])).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect(receiver.for(event.eventId)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM processed_event WHERE event_id = $1', [event.eventId]);
    expect(rows[0].n).toBe(1);
    expect(app.get(ConsumerStats).snapshot().handled.duplicate).toBeGreaterThanOrEqual(2);
  });

  it('sends a message that breaks its contract to the dead-letter topic, byte for byte with the reason, and keeps going', async () => {
    const who = customer();
    const poison = `{"eventId":"${randomUUID()}","payload":"truncated`;
    const testId = randomUUID();
    const after = orderFailed(who);
    await producer.send({
      topic: 'checkout.order-failed.v1',
      acks: -1,
      // Same key as the valid event after it: same partition, so "keeps going" means past the poison.
      messages: [{ key: after.payload.orderId, value: poison, headers: { 'x-test-id': testId } }],
    });
    await publish(producer, 'checkout.order-failed.v1', [after]);

    await waitFor(() => delivered(after.eventId), { timeoutMs: 15_000, what: 'the valid event behind the poison' });
    const [letter] = await waitFor(() => (deadLetters.find('x-test-id', testId).length ? deadLetters.find('x-test-id', testId) : undefined), {
      timeoutMs: 10_000,
      what: 'the dead letter',
    });
    expect(letter.message.value?.toString()).toBe(poison);
    expect(letter.message.key?.toString()).toBe(after.payload.orderId);
    expect(header(letter.message, deadLetter.headers.reason)).toMatch(/^contract-violation: checkout\.order-failed\.v1: .*value is not valid JSON/);
    expect(header(letter.message, deadLetter.headers.originalTopic)).toBe('checkout.order-failed.v1');
    expect(header(letter.message, deadLetter.headers.attempts)).toBe('1');
    expect(Number(header(letter.message, deadLetter.headers.originalOffset))).toBeGreaterThanOrEqual(0);
    expect(Date.parse(header(letter.message, deadLetter.headers.failedAt) ?? '')).not.toBeNaN();
    expect(app.get(ConsumerStats).snapshot().deadLettered).toBeGreaterThanOrEqual(1);
  });

  it('retries a webhook receiver that is down, dead-letters the event, and delivers the same notification when it is replayed', async () => {
    const event = orderConfirmed();
    let receiverUp = false;
    receiver.respond = ({ body }) => (body.sourceEventId === event.eventId && !receiverUp ? 503 : 204);
    await publish(producer, 'checkout.order-confirmed.v1', [event]);

    const [letter] = await waitFor(() => (deadLetters.find('event-id', event.eventId).length ? deadLetters.find('event-id', event.eventId) : undefined), {
      timeoutMs: 15_000,
      what: 'the dead letter after the last webhook attempt',
    });
    expect(header(letter.message, deadLetter.headers.reason)).toBe(
      `delivery-failed: webhook delivery failed after ${WEBHOOK_ATTEMPTS} attempts: receiver answered 503`,
    );
    expect(header(letter.message, deadLetter.headers.attempts)).toBe(String(WEBHOOK_ATTEMPTS));
    expect(JSON.parse(letter.message.value!.toString())).toEqual(event);
    const attempts = receiver.for(event.eventId);
    expect(attempts.map((a) => a.status)).toEqual(Array(WEBHOOK_ATTEMPTS).fill(503));
    expect(new Set(attempts.map((a) => a.headers['idempotency-key'])).size).toBe(1);
    expect(await db.notificationsFor([event.eventId])).toEqual([expect.objectContaining({ status: 'failed', attempts: WEBHOOK_ATTEMPTS })]);

    receiverUp = true;
    const results = await new DeadLetterTopic(kafka, uniqueGroup('replay')).replay({ ids: [`${letter.partition}:${letter.message.offset}`] });
    expect(results).toEqual([expect.objectContaining({ outcome: 'replayed', eventId: event.eventId, originalTopic: 'checkout.order-confirmed.v1' })]);

    await waitFor(() => delivered(event.eventId), { timeoutMs: 15_000, what: 'the replayed event to be delivered' });
    expect(await db.notificationsFor([event.eventId])).toEqual([expect.objectContaining({ status: 'delivered', attempts: WEBHOOK_ATTEMPTS + 1 })]);
    const posts = receiver.for(event.eventId);
    expect(posts.map((p) => p.status)).toEqual([...Array(WEBHOOK_ATTEMPTS).fill(503), 204]);
    expect(posts[WEBHOOK_ATTEMPTS].headers['idempotency-key']).toBe(attempts[0].headers['idempotency-key']);
  });

  it('replays, without ids, only the dead letters no earlier replay covered', async () => {
    const replayGroup = uniqueGroup('replay-all');
    await startGroupAtEnd(kafka, admin, replayGroup, [deadLetter.topic]);
    const event = orderFailed();
    let receiverUp = false;
    receiver.respond = ({ body }) => (body.sourceEventId === event.eventId && !receiverUp ? 500 : 204);
    await publish(producer, 'checkout.order-failed.v1', [event]);
    await waitFor(() => deadLetters.find('event-id', event.eventId).length > 0 || undefined, { timeoutMs: 15_000, what: 'the dead letter' });

    receiverUp = true;
    const topic = new DeadLetterTopic(kafka, replayGroup);
    const first = await topic.replay();
    expect(first.filter((r) => r.eventId === event.eventId)).toEqual([expect.objectContaining({ outcome: 'replayed' })]);
    await waitFor(() => delivered(event.eventId), { timeoutMs: 15_000, what: 'the replayed event to be delivered' });

    expect((await topic.replay()).filter((r) => r.eventId === event.eventId)).toEqual([]);
    expect((await topic.list()).filter((r) => r.eventId === event.eventId)).toEqual([expect.objectContaining({ replayed: true })]);
  });

  describe('GET /notifications', () => {
    it("lists the caller's own notifications, newest first, page by page", async () => {
      const me = customer();
      const welcome = userRegistered({ userId: me.userId, email: me.email, displayName: me.displayName });
      const tickets = orderConfirmed(me);
      const someoneElse = orderConfirmed();
      await publish(producer, 'login.user-registered.v1', [welcome]);
      await waitFor(() => delivered(welcome.eventId), { timeoutMs: 15_000, what: 'the welcome notification' });
      await publish(producer, 'checkout.order-confirmed.v1', [tickets, someoneElse]);
      await waitFor(async () => (await delivered(tickets.eventId)) && (await delivered(someoneElse.eventId)), { timeoutMs: 15_000, what: 'both tickets' });

      const token = await issuer.sign({ userId: me.userId, email: me.email });
      const all = await request(app.getHttpServer()).get('/notifications').set('authorization', `Bearer ${token}`).expect(200);
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.notifications.map((n: { sourceEventId: string }) => n.sourceEventId)).toEqual([tickets.eventId, welcome.eventId]);
      expect(all.body.notifications[0]).toMatchObject({ kind: 'ticket_confirmation', channel: 'webhook', status: 'delivered', subject: 'Your tickets for The Analytical Engine Live' });

      const first = await request(app.getHttpServer()).get('/notifications?limit=1').set('authorization', `Bearer ${token}`).expect(200);
      expect(first.body.notifications).toHaveLength(1);
      const second = await request(app.getHttpServer())
        .get(`/notifications?limit=1&cursor=${first.body.nextCursor}`)
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      expect(second.body.notifications.map((n: { sourceEventId: string }) => n.sourceEventId)).toEqual([welcome.eventId]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('refuses a request without a valid token with problem details', async () => {
      const response = await request(app.getHttpServer()).get('/notifications').expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 401, detail: 'missing bearer token' });
      await request(app.getHttpServer()).get('/notifications').set('authorization', 'Bearer not.a.token').expect(401);
    });

    it('names each invalid query parameter', async () => {
      const token = await issuer.sign();
      const response = await request(app.getHttpServer()).get('/notifications?limit=0&cursor=nope').set('authorization', `Bearer ${token}`).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'limit', reason: expect.stringMatching(/>=1/) },
        { field: 'cursor', reason: expect.stringMatching(/UUID/i) },
      ]);
    });
  });

  it('documents its endpoints in the OpenAPI document', async () => {
    const response = await request(app.getHttpServer()).get('/docs/openapi.json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/notifications', '/consumer/stats']));
  });
});
