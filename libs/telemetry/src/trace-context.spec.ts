import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { traceContextSchema } from '@boxoffice/contracts';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTelemetry, Telemetry } from './telemetry';
import { tracedFetch } from './traced-fetch';
import { contextFromTraceContext, currentTraceContext, OutgoingTopicMessages, tracedBatchSender, withConsumerSpan, withProducerSpans } from './trace-context';

const TOPIC = 'checkout.order-confirmed.v1';
const spans = new InMemorySpanExporter();
let telemetry: Telemetry;

beforeAll(() => {
  telemetry = startTelemetry({ service: 'checkout', version: '1.0.0', metricsPort: false, spanExporter: spans });
});
afterEach(() => spans.reset());
afterAll(() => telemetry.shutdown());

const tracer = () => trace.getTracer('spec');

function byName(name: string): ReadableSpan {
  const span = spans.getFinishedSpans().find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}: ${spans.getFinishedSpans().map((s) => s.name).join(', ')}`);
  return span;
}

/** What checkout does inside POST /orders: the event (and so the outbox row) stores the request's context. */
function handleOrderRequest(): { topicMessages: OutgoingTopicMessages[]; traceContext: ReturnType<typeof currentTraceContext> } {
  return tracer().startActiveSpan('POST /orders', { kind: SpanKind.SERVER }, (span) => {
    const traceContext = currentTraceContext();
    span.end();
    const headers = { 'event-id': '7d0e8f1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f', ...traceContext };
    return { traceContext, topicMessages: [{ topic: TOPIC, messages: [{ key: 'order-1', headers }] }] };
  });
}

describe('trace context through the outbox and Kafka', () => {
  it('stores a valid envelope traceContext from inside a request, and none outside any span', () => {
    const { traceContext } = handleOrderRequest();
    expect(traceContextSchema.safeParse(traceContext).success).toBe(true);
    expect(currentTraceContext(ROOT_CONTEXT)).toBeUndefined();
  });

  it('makes request → relay send → consumer one trace, each span the child of the one before', async () => {
    const { topicMessages } = handleOrderRequest();
    const sent: OutgoingTopicMessages[] = [];
    // The relay: no span is active in its loop.
    await context.with(ROOT_CONTEXT, () =>
      tracedBatchSender({
        sendBatch: async (batch: { topicMessages: OutgoingTopicMessages[]; acks: number }) => {
          sent.push(...batch.topicMessages);
          return [];
        },
      }).sendBatch({ topicMessages, acks: -1 }),
    );
    // notify, given the headers as they travelled.
    await withConsumerSpan({ topic: TOPIC, partition: 0, offset: '41', headers: sent[0].messages[0].headers, consumerGroup: 'notify' }, () => {
      tracer().startSpan('POST webhook', { kind: SpanKind.CLIENT }).end();
    });

    const request = byName('POST /orders');
    const send = byName(`send ${TOPIC}`);
    const consume = byName(`process ${TOPIC}`);
    const webhook = byName('POST webhook');
    const traceId = request.spanContext().traceId;
    expect([send, consume, webhook].map((s) => s.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(consume.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(webhook.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(send.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': TOPIC, 'messaging.message.id': '7d0e8f1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f' });
    expect(consume.attributes).toMatchObject({ 'messaging.consumer.group.name': 'notify', 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': 41 });
    // The header now names the producer span; the rest of the headers are untouched.
    expect(sent[0].messages[0].headers).toEqual({ 'event-id': '7d0e8f1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f', traceparent: `00-${traceId}-${send.spanContext().spanId}-01` });
  });

  it('sends with tracing suppressed so instrumentation-kafkajs neither adds spans nor rewrites headers', async () => {
    const { topicMessages } = handleOrderRequest();
    let suppressed: boolean | undefined;
    await withProducerSpans(topicMessages, async () => {
      suppressed = isTracingSuppressed(context.active());
      tracer().startSpan('send (what the instrumentation would start)').end();
    });
    expect(suppressed).toBe(true);
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['POST /orders', `send ${TOPIC}`]);
  });

  it('marks every producer span failed when the batch is not acknowledged', async () => {
    const { topicMessages } = handleOrderRequest();
    await expect(withProducerSpans(topicMessages, () => Promise.reject(new Error('broker down')))).rejects.toThrow('broker down');
    expect(byName(`send ${TOPIC}`).status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker down' });
  });

  it('falls back to the envelope traceContext when the headers carry none', async () => {
    const { traceContext } = handleOrderRequest();
    await withConsumerSpan({ topic: TOPIC, headers: {}, event: { eventId: 'e-1', traceContext } }, () => undefined);
    const consume = byName(`process ${TOPIC}`);
    expect(consume.spanContext().traceId).toBe(byName('POST /orders').spanContext().traceId);
    expect(consume.attributes['messaging.message.id']).toBe('e-1');
  });

  it('reads Buffer headers as kafkajs delivers them', async () => {
    const { topicMessages } = handleOrderRequest();
    const traceparent = String(topicMessages[0].messages[0].headers!.traceparent);
    await withConsumerSpan({ topic: TOPIC, headers: { traceparent: Buffer.from(traceparent) } }, () => undefined);
    expect(byName(`process ${TOPIC}`).parentSpanContext?.spanId).toBe(traceparent.split('-')[2]);
  });

  it('adds no second span when instrumentation-kafkajs already runs the handler in its process span', async () => {
    const { traceContext } = handleOrderRequest();
    const instrumentationSpan = tracer().startSpan(`process ${TOPIC}`, { kind: SpanKind.CONSUMER }, contextFromTraceContext(traceContext));
    await context.with(trace.setSpan(ROOT_CONTEXT, instrumentationSpan), () =>
      withConsumerSpan({ topic: TOPIC, headers: { ...traceContext }, consumerGroup: 'notify', event: { eventId: 'e-2' } }, () => undefined),
    );
    instrumentationSpan.end();
    const consumers = spans.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumers).toHaveLength(1);
    expect(consumers[0].attributes).toMatchObject({ 'messaging.consumer.group.name': 'notify', 'messaging.message.id': 'e-2' });
  });

  it('records a failed handler on its span and rethrows', async () => {
    await expect(withConsumerSpan({ topic: TOPIC }, () => Promise.reject(new TypeError('bad payload')))).rejects.toThrow('bad payload');
    const consume = byName(`process ${TOPIC}`);
    expect(consume.status.code).toBe(SpanStatusCode.ERROR);
    expect(consume.attributes['error.type']).toBe('TypeError');
    expect(consume.parentSpanContext).toBeUndefined();
  });

  it('never stores a tracestate longer than the contract allows (a client could send one)', () => {
    const parent = contextFromTraceContext({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: `vendor=${'x'.repeat(600)}` });
    const span = tracer().startSpan('POST /orders', {}, parent);
    const stored = currentTraceContext(trace.setSpan(parent, span));
    span.end();
    expect(stored).toEqual({ traceparent: expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-[\da-f]{16}-01$/) });
  });
});

describe('tracedFetch', () => {
  it('calls a webhook as a CLIENT span of the handler, sending its traceparent, without recording the query string', async () => {
    let received: IncomingHttpHeaders = {};
    const server = createServer((req, res) => {
      received = req.headers;
      res.statusCode = 202;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await tracer().startActiveSpan(`process ${TOPIC}`, { kind: SpanKind.CONSUMER }, async (span) => {
        const response = await tracedFetch(`http://127.0.0.1:${port}/hooks/orders?sig=s3cr3t`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        span.end();
        return response.status;
      });
      expect(status).toBe(202);
    } finally {
      server.close();
    }
    await telemetry.forceFlush();
    const client = byName('POST');
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(client.parentSpanContext?.spanId).toBe(byName(`process ${TOPIC}`).spanContext().spanId);
    expect(received.traceparent).toBe(`00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
    expect(received['content-type']).toBe('application/json');
    expect(client.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 202, 'url.full': `http://127.0.0.1:${port}/hooks/orders` });
  });
});
