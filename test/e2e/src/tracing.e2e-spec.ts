/**
 * One order, one trace: login, checkout and notify run as real processes with OpenTelemetry
 * loaded the way production loads it (require hooks, OTLP export to a local collector). The order
 * request carries a traceparent we chose; the trace must reach checkout's outbox relay, Kafka,
 * notify's consumer and the webhook notify calls, and the log lines of the request must carry it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { topics } from '@boxoffice/contracts';
import { deployMigrations, dropDatabase } from '@boxoffice/db-migrate';
import { CollectedSpan, startTraceCollector, TraceCollector } from '@boxoffice/telemetry/testing';
import { databaseUrl, freePort, requireStackEnv, SERVICE_NAMES, ServiceName, seedCheckoutTiers, ServiceProcess, startConsumerGroupAtEnd, waitFor } from '@boxoffice/testing';

const stack = requireStackEnv();
const run = randomUUID().slice(0, 8);
const version = `trace-${run}`;
const notifyGroup = `notify-trace-${run}`;
const databaseName = (service: ServiceName) => `boxoffice_${service}_trace_${run}`;
const urls = Object.fromEntries(SERVICE_NAMES.map((s) => [s, databaseUrl(stack, databaseName(s))])) as Record<ServiceName, string>;

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface WebhookCall {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startWebhook(): Promise<{ server: Server; url: string; calls: WebhookCall[] }> {
  const calls: WebhookCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/notify`, calls };
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

describe('tracing across real processes: HTTP → checkout → outbox → Kafka → notify → webhook', () => {
  const running = new Map<ServiceName, ServiceProcess>();
  let collector: TraceCollector;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;

  const envFor = (service: ServiceName, extra: Record<string, string> = {}) => ({
    ...collector.env(),
    SERVICE_VERSION: version,
    LOG_LEVEL: 'debug',
    METRICS_PORT: '0',
    DATABASE_URL: urls[service],
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    ...extra,
  });
  const start = async (service: ServiceName, extra?: Record<string, string>) => {
    const proc = await ServiceProcess.start({ service, port: await freePort(), env: envFor(service, extra) });
    running.set(service, proc);
    return proc;
  };

  beforeAll(async () => {
    [collector, webhook] = await Promise.all([startTraceCollector(), startWebhook()]);
    await Promise.all([...SERVICE_NAMES.map((service) => deployMigrations({ service, url: urls[service] })), startConsumerGroupAtEnd(stack.kafkaBrokers, notifyGroup, topics)]);
    const login = await start('login');
    const jwks = { JWKS_URL: `${login.url}/.well-known/jwks.json` };
    await Promise.all([
      start('checkout', { ...jwks, PAYMENT_LATENCY_MS: '5' }),
      start('notify', { ...jwks, KAFKA_CONSUMER_GROUP: notifyGroup, NOTIFY_DEFAULT_CHANNEL: 'webhook', WEBHOOK_URL: webhook.url }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((proc) => proc.stop('SIGKILL')));
    await Promise.all([collector?.close(), new Promise((resolve) => webhook?.server.close(resolve))]);
    await Promise.all(SERVICE_NAMES.map((service) => dropDatabase(urls[service], databaseName(service)).catch(() => undefined)));
  });

  async function register(): Promise<{ email: string; password: string; accessToken: string; refreshToken: string; rawBody: string }> {
    const email = `trace-${randomUUID().slice(0, 8)}@example.com`;
    const password = `Tr4ce-${randomBytes(9).toString('base64url')}-pw`;
    const rawBody = JSON.stringify({ email, password, displayName: 'Trace Tester' });
    const response = await fetch(`${running.get('login')!.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rawBody });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { accessToken: string; refreshToken: string };
    return { email, password, rawBody, accessToken: body.accessToken, refreshToken: body.refreshToken };
  }

  it('one order is one trace with spans from checkout and notify, and the webhook call continues it', async () => {
    const { accessToken } = await register();
    const [tierId] = await seedCheckoutTiers(urls.checkout, { eventName: 'Trace night', seats: 100 });
    const traceId = randomBytes(16).toString('hex');
    const requestId = `trace-order-${run}`;

    const response = await fetch(`${running.get('checkout')!.url}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        'x-request-id': requestId,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ tierId, quantity: 2 }),
    });
    expect(response.status).toBe(201);

    const inTrace = (spans: CollectedSpan[]) => spans.filter((s) => s.traceId === traceId);
    const has = (spans: CollectedSpan[], service: string, kind: number, name?: RegExp) =>
      inTrace(spans).some((s) => s.service === service && s.kind === kind && (!name || name.test(s.name)));
    const spans = await collector.waitFor(
      (all) =>
        has(all, 'checkout', SPAN_KIND.server) &&
        has(all, 'checkout', SPAN_KIND.producer, /order-confirmed/) &&
        has(all, 'notify', SPAN_KIND.consumer, /order-confirmed/) &&
        has(all, 'notify', SPAN_KIND.client),
      30_000,
    );

    const trace = inTrace(spans);
    expect(trace.find((s) => s.service === 'checkout' && s.kind === SPAN_KIND.server)).toMatchObject({ name: 'POST /orders', attributes: expect.objectContaining({ 'http.route': '/orders' }) });
    // checkout's database work is part of the request's trace.
    expect(trace.some((s) => s.service === 'checkout' && /^(pg\.query|SELECT|INSERT|UPDATE|BEGIN|COMMIT)/i.test(s.name))).toBe(true);
    // The chain is parent → child: producer span under checkout's request, consumer under the producer.
    const producer = trace.find((s) => s.service === 'checkout' && s.kind === SPAN_KIND.producer && /order-confirmed/.test(s.name))!;
    const consumer = trace.find((s) => s.service === 'notify' && s.kind === SPAN_KIND.consumer && /order-confirmed/.test(s.name))!;
    expect(trace.some((s) => s.spanId === producer.parentSpanId && s.service === 'checkout')).toBe(true);
    expect(consumer.parentSpanId).toBe(producer.spanId);

    // The webhook receives the same trace id: a downstream system can continue the trace.
    const call = await waitFor(() => webhook.calls.find((c) => String(c.headers.traceparent ?? '').split('-')[1] === traceId), {
      timeoutMs: 10_000,
      what: 'the webhook call of this order',
    });
    expect(JSON.parse(call.body)).toEqual(expect.any(Object));

    // Every log line checkout wrote for this request carries the request's trace id.
    const requestLines = jsonLines(running.get('checkout')!.logs()).filter((line) => line.request_id === requestId);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(line).toMatchObject({ trace_id: traceId, service: 'checkout', version, span_id: expect.stringMatching(/^[\da-f]{16}$/) });
  });

  it("a login request's body, password and tokens never appear in login's log lines", async () => {
    const login = running.get('login')!;
    const account = await register();
    const loginBody = JSON.stringify({ email: account.email, password: account.password });
    const signedIn = await fetch(`${login.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody });
    expect(signedIn.status).toBe(200);
    const tokens = (await signedIn.json()) as { accessToken: string; refreshToken: string };
    // A wrong password, a malformed body and an authenticated call: the paths that log most.
    await fetch(`${login.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: account.email, password: `${account.password}x` }) });
    await fetch(`${login.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email":"${account.email}","password":"${account.password}"` });
    expect((await fetch(`${login.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(200);
    await fetch(`${login.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });

    // The requests were logged (so the check below looks at real request lines)...
    await waitFor(() => jsonLines(login.logs()).filter((line) => line.msg === 'request completed').length >= 6, { timeoutMs: 5_000, what: 'login to log the requests' });
    const output = login.logs();
    // ...and nothing secret is in any of them.
    for (const secret of [account.password, account.accessToken, account.refreshToken, tokens.accessToken, tokens.refreshToken, loginBody, account.rawBody]) {
      expect(output).not.toContain(secret);
    }
    // The access tokens' signature part alone is not there either (a truncated token would still be a leak).
    expect(output).not.toContain(tokens.accessToken.split('.')[2]);
  });
});
