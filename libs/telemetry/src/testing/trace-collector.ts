import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as received over OTLP, flattened for assertions. */
export interface CollectedSpan {
  service: string;
  /** Instrumentation scope, e.g. `@opentelemetry/instrumentation-http` or `@boxoffice/telemetry`. */
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface TraceCollector {
  /** Base URL, i.e. the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Environment for a service process so that it exports here, as JSON, within ~50 ms. */
  env(): Record<string, string>;
  spans(): CollectedSpan[];
  /** Resolves with all spans once `done(spans)` is true; rejects with what arrived after `timeoutMs`. */
  waitFor(done: (spans: CollectedSpan[]) => boolean, timeoutMs?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
}
interface OtlpTraces {
  resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }> }>;
}

/**
 * An OTLP/HTTP (JSON) trace receiver for tests whose services run as separate processes, where an
 * in-memory exporter cannot reach: start it, pass `collector.env()` to each service, drive the
 * flow, then `waitFor` the spans and check they form one trace. (The OTLP exporter itself cannot
 * run inside Jest: it loads `http` with a dynamic import, which Jest refuses without
 * --experimental-vm-modules. In-process tests use `startTelemetry({ spanExporter })` instead.)
 */
export async function startTraceCollector(): Promise<TraceCollector> {
  const received: CollectedSpan[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/traces')) {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (!req.headers['content-type']?.startsWith('application/json')) {
      res.statusCode = 415;
      res.end('set OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
      return;
    }
    try {
      received.push(...flatten(JSON.parse(await body(req)) as OtlpTraces));
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    } catch (error) {
      res.statusCode = 400;
      res.end(error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' }),
    spans: () => [...received],
    waitFor: async (done, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline) throw new Error(`spans not complete after ${timeoutMs} ms; received: ${received.map((s) => `${s.service}:${s.name}`).join(', ') || 'none'}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return [...received];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatten(traces: OtlpTraces): CollectedSpan[] {
  return (traces.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service: String(resource['service.name'] ?? ''),
        scope: scope.scope?.name ?? '',
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        ...(span.parentSpanId ? { parentSpanId: hexId(span.parentSpanId) } : {}),
        name: span.name,
        kind: span.kind ?? 0,
        attributes: attributes(span.attributes),
        statusCode: span.status?.code ?? 0,
      })),
    );
  });
}

function attributes(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

function plain(value: OtlpValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}

/** OTLP/JSON ids are hex; accept base64 too (some encoders use the protobuf JSON mapping). */
function hexId(id: string): string {
  return /^[\da-f]+$/i.test(id) && (id.length === 32 || id.length === 16) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}
