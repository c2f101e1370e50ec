import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import { buildEvent, topics } from '@boxoffice/contracts';
import { deployMigrations } from '@boxoffice/db-migrate';
import { databaseUrl, freePort, requireStackEnv, SERVICE_NAMES, ServiceName, ServiceProcess, startConsumerGroupAtEnd, waitFor } from '@boxoffice/testing';

const stack = requireStackEnv();
const version = `e2e-${randomUUID().slice(0, 8)}`;
const notifyGroup = `notify-e2e-${randomUUID().slice(0, 8)}`;
const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrl(stack, `boxoffice_${s}_e2e`)])) as Record<ServiceName, string>;

function envFor(service: ServiceName, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SERVICE_VERSION: version,
    LOG_LEVEL: 'info',
    DATABASE_URL: urls[service],
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_CONSUMER_GROUP: notifyGroup,
    ...overrides,
  };
}

describe('Box Office smoke test: three real services on the real stack', () => {
  const running = new Map<ServiceName, ServiceProcess>();
  let producer: Producer;
  let notifyDb: Client;

  beforeAll(async () => {
    for (const service of SERVICE_NAMES) await deployMigrations({ service, url: urls[service] });
    // notify's fresh group reads only this test's messages, not the shared topics' history.
    await startConsumerGroupAtEnd(stack.kafkaBrokers, notifyGroup, topics);
    const started = await Promise.all(
      SERVICE_NAMES.map(async (service) => ServiceProcess.start({ service, port: await freePort(), env: envFor(service) })),
    );
    for (const proc of started) running.set(proc.service, proc);
    producer = new Kafka({ clientId: 'e2e', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    notifyDb = new Client({ connectionString: urls.notify });
    await notifyDb.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await notifyDb?.end();
    await Promise.all([...running.values()].map((p) => p.stop('SIGKILL')));
  });

  it.each(SERVICE_NAMES)('%s is ready, checks its database and Kafka, and reports its version', async (service) => {
    const response = await fetch(`${running.get(service)!.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-boxoffice-version')).toBe(version);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      service,
      version,
      checks: { database: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it.each(SERVICE_NAMES)('%s serves its OpenAPI document at /docs', async (service) => {
    const url = running.get(service)!.url;
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    const document = (await (await fetch(`${url}/docs/openapi.json`)).json()) as { paths: Record<string, unknown>; info: { title: string } };
    expect(document.info.title).toBe(`Box Office ${service}`);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/health/live', '/health/ready']));
  });

  it.each(SERVICE_NAMES)('%s answers an unknown route with RFC 9457 problem details', async (service) => {
    const response = await fetch(`${running.get(service)!.url}/no/such/route?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /no/such/route?x=1',
      instance: '/no/such/route?x=1',
    });
  });

  it('notify consumes a valid event exactly once, even when it is delivered twice, and skips an invalid one', async () => {
    const event = buildEvent(
      'login.user-registered.v1',
      { userId: randomUUID(), email: 'e2e@example.com', displayName: 'E2E', plan: 'free', region: 'eu', registeredAt: new Date().toISOString() },
      { producer: { service: 'e2e', version } },
    );
    const message = { key: event.payload.userId, value: JSON.stringify(event) };
    const marker = buildEvent('login.user-registered.v1', { ...event.payload, userId: randomUUID() }, { producer: { service: 'e2e', version } });
    await producer.send({
      topic: 'login.user-registered.v1',
      acks: -1,
      messages: [message, { key: event.payload.userId, value: '{"not":"a contract"}' }, message],
    });
    await producer.send({ topic: 'login.user-registered.v1', acks: -1, messages: [{ key: marker.payload.userId, value: JSON.stringify(marker) }] });

    const rows = async (id: string) => (await notifyDb.query('SELECT event_id FROM processed_event WHERE event_id = $1', [id])).rowCount;
    await waitFor(async () => (await rows(marker.eventId)) === 1, { timeoutMs: 30_000, what: 'notify to process the marker event' });
    expect(await rows(event.eventId)).toBe(1);
    expect(running.get('notify')!.logs()).toMatch(/rejected message that breaks its contract/);
  });

  it('drains and exits on SIGTERM', async () => {
    const login = running.get('login')!;
    const started = Date.now();
    await login.stop('SIGTERM');
    running.delete('login');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(login.logs()).not.toMatch(/failed|error/i);
  });

  describe('refuses to start, with one clear line, when', () => {
    async function startFailure(service: ServiceName, overrides: Record<string, string>) {
      const proc = ServiceProcess.spawn({ service, port: await freePort(), env: envFor(service, overrides) });
      const started = Date.now();
      const code = await proc.exited;
      return { code, seconds: (Date.now() - started) / 1000, output: proc.logs() };
    }

    it('a variable is invalid', async () => {
      const { code, output } = await startFailure('checkout', { PORT: 'eighty', KAFKA_BROKERS: 'nohost' });
      expect(code).toBe(1);
      expect(output).toMatch(/checkout failed to start: Invalid configuration: .*KAFKA_BROKERS: each broker must be host:port \(got "nohost"\)/);
    });

    it('no Kafka broker answers: within a few seconds, naming the address', async () => {
      const { code, seconds, output } = await startFailure('login', { KAFKA_BROKERS: '127.0.0.1:1' });
      expect(code).toBe(1);
      expect(seconds).toBeLessThan(8);
      expect(output).toMatch(/login failed to start: Kafka broker not reachable at 127\.0\.0\.1:1 /);
    });

    it('the database is unreachable, naming host, port and database but not the password', async () => {
      const { code, output } = await startFailure('notify', { DATABASE_URL: 'postgresql://boxoffice:s3cret@127.0.0.1:1/boxoffice_notify' });
      expect(code).toBe(1);
      expect(output).toMatch(/notify failed to start: PostgreSQL not reachable at 127\.0\.0\.1:1\/boxoffice_notify/);
      expect(output).not.toContain('s3cret');
    });
  });
});
