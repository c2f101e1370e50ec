import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseExposition } from './testing/exposition';
import { CollectedSpan, startTraceCollector } from './testing/trace-collector';

/**
 * The require-hook instrumentations (http, express, nestjs-core, kafkajs, pg) cannot patch
 * modules loaded through Jest's module registry, so this runs a service-shaped process with real
 * Node module loading (tsx), exporting its spans over OTLP/JSON to a collector here, the way a
 * multi-process e2e test sees the services' traces: see testing/fixture-service.ts.
 */
const REPO = path.resolve(__dirname, '../../..');
const INCOMING_TRACE = '0af7651916cd43dd8448eb211c80319c';
const TOPIC = 'checkout.order-confirmed.v1';

const KIND = { SERVER: 2, PRODUCER: 4, CONSUMER: 5 };

interface FixtureOutput {
  loadedBeforeStart: string[];
  body: { id: string; traceContext: { traceparent: string } };
  sendError?: string;
  sentHeaders: Record<string, string>;
  lines: string[];
  metricsText: string;
  traceExport: string;
}

let output: FixtureOutput;
let spans: CollectedSpan[];

beforeAll(async () => {
  const collector = await startTraceCollector();
  try {
    const { stdout } = await promisify(execFile)(
      path.join(REPO, 'node_modules/.bin/tsx'),
      ['--tsconfig', 'libs/telemetry/tsconfig.spec.json', 'libs/telemetry/src/testing/fixture-service.ts'],
      { cwd: REPO, timeout: 60_000, env: { ...process.env, OTEL_SDK_DISABLED: '', OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', ...collector.env() } },
    );
    output = JSON.parse(stdout) as FixtureOutput;
    spans = collector.spans();
  } finally {
    await collector.close();
  }
}, 70_000);

const inTrace = () => spans.filter((s) => s.traceId === INCOMING_TRACE);
const span = (name: string) => {
  const found = inTrace().filter((s) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('a service that imports its telemetry first (real Node module loading)', () => {
  it('loads none of the instrumented modules before the SDK starts', () => {
    expect(output.loadedBeforeStart).toEqual([]);
  });

  it('exports its spans over OTLP, labelled with the service', () => {
    expect(output.traceExport).toBe('env');
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['checkout']));
  });

  it('continues the caller’s trace with one SERVER span named after the route template', () => {
    const servers = inTrace().filter((s) => s.kind === KIND.SERVER);
    expect(servers).toEqual([expect.objectContaining({ name: 'POST /orders/:id', scope: '@opentelemetry/instrumentation-http', parentSpanId: 'b7ad6b7169203331' })]);
    expect(inTrace().map((s) => s.scope)).toEqual(expect.arrayContaining(['@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-nestjs-core']));
  });

  it('relays the stored context through a kafkajs producer with exactly one producer span, and the consumer continues it', () => {
    const stored = output.body.traceContext.traceparent.split('-')[2];
    const send = span(`send ${TOPIC}`);
    const consume = span(`process ${TOPIC}`);
    expect(send).toMatchObject({ kind: KIND.PRODUCER, scope: '@boxoffice/telemetry', parentSpanId: stored, statusCode: 2 });
    expect(consume).toMatchObject({ kind: KIND.CONSUMER, parentSpanId: send.spanId, attributes: expect.objectContaining({ 'messaging.consumer.group.name': 'notify' }) });
    // instrumentation-kafkajs patched the producer but, with tracing suppressed, added no span and kept the header.
    expect(output.sendError).toBe('KafkaJSError');
    expect(spans.filter((s) => s.scope === '@opentelemetry/instrumentation-kafkajs')).toEqual([]);
    expect(output.sentHeaders.traceparent).toBe(`00-${INCOMING_TRACE}-${send.spanId}-01`);
  });

  it('writes the trace id on log lines of the request and of the consumer', () => {
    const lines = output.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'order created', trace_id: INCOMING_TRACE, body: { password: '[redacted]' } }),
      expect.objectContaining({ msg: 'notification sent', trace_id: INCOMING_TRACE, span_id: span(`process ${TOPIC}`).spanId }),
    ]);
  });

  it('counts the request once, under its route template, beside the instrumentations’ own metrics', () => {
    const { families, typeLines } = parseExposition(output.metricsText);
    expect(new Set(typeLines).size).toBe(typeLines.length);
    const counts = families.get('http_server_request_duration_seconds')!.samples.filter((s) => s.name.endsWith('_count'));
    expect(counts).toEqual([
      {
        name: 'http_server_request_duration_seconds_count',
        labels: { http_request_method: 'POST', http_response_status_code: '201', http_route: '/orders/:id', service_name: 'checkout', service_version: '9.9.9' },
        value: 1,
      },
    ]);
    expect(families.has('http_server_request_duration')).toBe(false);
    expect(families.get('messaging_client_sent_messages_total')?.type).toBe('counter');
  });
});
