import { isSpanContextValid, trace } from '@opentelemetry/api';
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { recordHttpRequest } from './metrics';
import { getTelemetry, metricsPortFromEnv, startTelemetry, TelemetryShutdownHook, traceExportFromEnv } from './telemetry';
import { currentTraceContext, withProducerSpans } from './trace-context';

const OTEL_VARIABLES = ['OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'METRICS_PORT', 'METRICS_HOST', 'HOST'];
const saved = Object.fromEntries(OTEL_VARIABLES.map((name) => [name, process.env[name]]));

beforeEach(() => {
  for (const name of OTEL_VARIABLES) delete process.env[name];
});
afterEach(async () => {
  await getTelemetry()?.shutdown();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  jest.restoreAllMocks();
});

/** Handles of this process that are listening servers or open sockets (Node's long-standing, undocumented `_getActiveHandles`). */
function network(): Set<unknown> {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return new Set(handles.filter((h) => (h instanceof Server && h.listening) || (h instanceof Socket && !h.destroyed)));
}

/** Network handles opened since `before` (other spec files of this worker may still be closing theirs). */
function opened(before: Set<unknown>): Array<{ kind: string; port?: number }> {
  return [...network()]
    .filter((h) => !before.has(h))
    .map((h) => (h instanceof Server ? { kind: 'server', port: (h.address() as AddressInfo | null)?.port } : { kind: 'socket' }));
}

function startSpanId(): { recording: boolean; valid: boolean } {
  const span = trace.getTracer('spec').startSpan('probe');
  const probe = { recording: span.isRecording(), valid: isSpanContextValid(span.spanContext()) };
  span.end();
  return probe;
}

describe('startTelemetry without any OTEL_* configuration', () => {
  it('configures no trace exporter, records no span, and opens nothing but the metrics port', async () => {
    const before = network();
    const telemetry = startTelemetry({ service: 'checkout', version: '1.0.0', metricsPort: 0, metricsHost: '127.0.0.1' });
    const endpoint = await telemetry.metricsEndpoint;
    expect(telemetry.traceExport).toBe('none');
    expect(telemetry.traceExporters).toEqual([]);
    // Spans still get ids (for logs and the events' traceparent) but are never recorded, so no
    // exporter could receive one even if it existed.
    expect(startSpanId()).toEqual({ recording: false, valid: true });
    trace.getTracer('spec').startActiveSpan('request', (span) => {
      expect(currentTraceContext()?.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-00$/);
      span.end();
    });
    await telemetry.forceFlush();
    expect(endpoint?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(opened(before)).toEqual([{ kind: 'server', port: endpoint?.port }]);

    await telemetry.shutdown();
    expect(opened(before)).toEqual([]);
    expect(getTelemetry()).toBeUndefined();
  });

  it('serves /metrics on METRICS_PORT', async () => {
    const free = await freePort();
    process.env.METRICS_PORT = String(free);
    const telemetry = startTelemetry({ service: 'notify', version: '1.0.0', metricsHost: '127.0.0.1' });
    await expect(telemetry.metricsEndpoint).resolves.toEqual({ port: free, url: `http://127.0.0.1:${free}/metrics` });
  });

  it('binds /metrics to the service\'s HOST, so HOST=127.0.0.1 keeps it off the network', async () => {
    process.env.HOST = '127.0.0.1';
    const telemetry = startTelemetry({ service: 'notify', version: '1.0.0', metricsPort: 0 });
    const endpoint = await telemetry.metricsEndpoint;
    const bound = [...network()].find((h) => h instanceof Server && (h.address() as AddressInfo | null)?.port === endpoint?.port) as Server | undefined;
    expect((bound?.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('binds /metrics to METRICS_HOST when it is set', async () => {
    process.env.HOST = '127.0.0.1';
    process.env.METRICS_HOST = '0.0.0.0';
    const telemetry = startTelemetry({ service: 'notify', version: '1.0.0', metricsPort: 0 });
    const endpoint = await telemetry.metricsEndpoint;
    const bound = [...network()].find((h) => h instanceof Server && (h.address() as AddressInfo | null)?.port === endpoint?.port) as Server | undefined;
    expect((bound?.address() as AddressInfo).address).toBe('0.0.0.0');
  });

  it('is started once per process', () => {
    const first = startTelemetry({ service: 'login', version: '1.0.0', metricsPort: false });
    expect(startTelemetry({ service: 'login', version: '1.0.0', metricsPort: false })).toBe(first);
  });
});

describe('startTelemetry with OTEL_* variables', () => {
  it('exports traces over OTLP when an endpoint is set, and records spans', () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    const telemetry = startTelemetry({ service: 'checkout', version: '1.0.0', metricsPort: false });
    expect([telemetry.traceExport, telemetry.traceExporters]).toEqual(['env', ['otlp']]);
    expect(startSpanId()).toEqual({ recording: true, valid: true });
  });

  it('starts nothing when OTEL_SDK_DISABLED=true, and the helpers do nothing', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    const before = network();
    const telemetry = startTelemetry({ service: 'checkout', version: '1.0.0', metricsPort: 0 });
    expect(telemetry.enabled).toBe(false);
    await expect(telemetry.metricsEndpoint).resolves.toBeUndefined();
    expect(() => recordHttpRequest({ method: 'GET', route: '/orders', statusCode: 200, seconds: 0.01 })).not.toThrow();
    expect(startSpanId()).toEqual({ recording: false, valid: false });
    expect(currentTraceContext()).toBeUndefined();
    await expect(telemetry.metricsText()).resolves.toBe('');
    expect(opened(before)).toEqual([]);
    // The relay still forwards the context an upstream service stored.
    const stored = { 'event-id': 'e-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const batch = [{ topic: 'checkout.order-confirmed.v1', messages: [{ key: 'o-1', headers: { ...stored } }] }];
    await withProducerSpans(batch, async () => undefined);
    expect(batch[0].messages[0].headers).toEqual(stored);
  });

  it('reports a taken metrics port instead of crashing', async () => {
    const blocker = await listening();
    const port = (blocker.address() as AddressInfo).port;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const telemetry = startTelemetry({ service: 'checkout', version: '1.0.0', metricsPort: port, metricsHost: '127.0.0.1' });
    await expect(telemetry.metricsEndpoint).rejects.toThrow(`metrics port ${port} is already in use (set METRICS_PORT)`);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('/metrics is not served'));
    await new Promise((resolve) => blocker.close(resolve));
  });
});

describe('traceExportFromEnv', () => {
  it.each([
    [{}, 'none', []],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'env', ['otlp']],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'env', ['otlp']],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'none', []],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, 'none', []],
    [{ OTEL_TRACES_EXPORTER: 'console' }, 'env', ['console']],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'none', []],
  ])('%j → %s %j', (env, mode, exporters) => {
    expect(traceExportFromEnv(undefined, env)).toEqual({ traceExport: mode, traceExporters: exporters });
  });
});

describe('metricsPortFromEnv', () => {
  it('defaults to 9464, accepts 0 (any free port) and rejects anything else', () => {
    expect(metricsPortFromEnv(undefined)).toBe(9464);
    expect(metricsPortFromEnv('')).toBe(9464);
    expect(metricsPortFromEnv('0')).toBe(0);
    expect(metricsPortFromEnv('9100')).toBe(9100);
    expect(() => metricsPortFromEnv('metrics')).toThrow('METRICS_PORT must be a port number from 0 to 65535 (got "metrics")');
    expect(() => metricsPortFromEnv('70000')).toThrow(/got "70000"/);
  });
});

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('TelemetryShutdownHook', () => {
  it('exports the last spans when the app shuts down and leaves telemetry running', async () => {
    const exported: string[] = [];
    const telemetry = startTelemetry({
      service: 'notify',
      version: '1.0.0',
      metricsPort: false,
      spanExporter: { export: (spans, done) => (exported.push(...spans.map((s) => s.name)), done({ code: 0 })), shutdown: async () => undefined },
    });
    trace.getTracer('spec').startSpan('last words').end();
    await new TelemetryShutdownHook().onApplicationShutdown();
    expect(exported).toEqual(['last words']);
    expect(getTelemetry()).toBe(telemetry);
  });
});
