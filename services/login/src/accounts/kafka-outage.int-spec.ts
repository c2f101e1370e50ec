import { ClientKafka } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import { EventPublisher, KAFKA, kafkaClientConfig } from '@boxoffice/kafka';
import { BrokerProxy, requireStackEnv, waitFor } from '@boxoffice/testing';
import { clientIp, createKeyDir, createTestDatabase, GOOD_PASSWORD, LoginTestApp, startLoginApp, TestDatabase, uniqueEmail } from '../testing/login-test-app';

const stack = requireStackEnv();

describe('login while Kafka is unreachable (real broker behind a proxy this test cuts)', () => {
  let db: TestDatabase;
  let login: LoginTestApp;
  const keys = createKeyDir();
  const proxy = BrokerProxy.to(stack.kafkaBrokers[0]);

  beforeAll(async () => {
    await proxy.start();
    db = await createTestDatabase();
    // Only login's own Kafka clients go through the proxy.
    const proxied = { ...kafkaClientConfig({ KAFKA_BROKERS: [proxy.address], KAFKA_CONNECT_TIMEOUT_MS: 1_000 }, 'login'), socketFactory: proxy.socketFactory() };
    login = await startLoginApp(db, { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile }, (builder) =>
      builder
        .overrideProvider(KAFKA)
        .useFactory({ factory: () => new Kafka({ ...proxied, logLevel: logLevel.NOTHING }) })
        .overrideProvider(EventPublisher)
        .useFactory({
          factory: () =>
            new EventPublisher(
              new ClientKafka({ client: proxied, producerOnlyMode: true, producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 }, send: { acks: -1 } }),
              [proxy.address],
              1_000,
            ),
        }),
    );
  });

  afterAll(async () => {
    await login?.close();
    await proxy.cut();
    await db?.drop();
    keys.remove();
  });

  const unpublished = async () => Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL')).rows[0].n);

  it('stays ready and keeps registering (events wait in the outbox), then publishes them when Kafka is back', async () => {
    await proxy.cut();
    const registered = await login.http().post('/auth/register').set('X-Forwarded-For', clientIp()).send({ email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Offline' });
    expect(registered.status).toBe(201);

    const ready = await login.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toEqual({ status: 'up' });
    expect(ready.body.checks.kafka).toMatchObject({ status: 'up', details: { reachable: false, outboxBacklog: 1 } });
    expect(await unpublished()).toBe(1);

    await proxy.restore();
    await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 30_000, what: 'the registration event to be published' });
    expect((await login.http().get('/health/ready')).body.checks.kafka).toMatchObject({ status: 'up', details: { reachable: true, outboxBacklog: 0 } });
  });
});
