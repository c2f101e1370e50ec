import { context, metrics, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, processDetector, Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type * as SdkNode from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, NoopSpanProcessor, Sampler, SimpleSpanProcessor, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { metricViews } from './metrics';
import { isUntracedPath } from './paths';

export const DEFAULT_METRICS_PORT = 9464;
export const METRICS_PATH = '/metrics';
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface TelemetryOptions {
  /** `service.name`: login, checkout or notify. Wins over OTEL_SERVICE_NAME. */
  service: string;
  /** `service.version`, normally SERVICE_VERSION. */
  version: string;
  /**
   * Port of the Prometheus endpoint. Default: METRICS_PORT, else 9464. `0` picks a free port
   * (tests, several services on one machine); `false` serves nothing (`metricsText()` still works).
   */
  metricsPort?: number | false;
  /**
   * Interface the metrics endpoint binds to. Default: METRICS_HOST, else HOST (the interface the
   * service itself listens on, so `HOST=127.0.0.1` keeps /metrics off the network too), else all.
   */
  metricsHost?: string;
  /**
   * Test hook: every span is sampled and handed synchronously to this exporter (typically an
   * `InMemorySpanExporter`); the OTEL_* trace export variables are then ignored.
   */
  spanExporter?: SpanExporter;
}

/** Where spans go. `none`: spans still get ids (logs and Kafka carry them) but nothing is recorded. */
export type TraceExport = 'none' | 'test' | 'env';

export interface MetricsEndpoint {
  port: number;
  url: string;
}

export interface Telemetry {
  /** False when OTEL_SDK_DISABLED=true: no SDK, no metrics endpoint, every helper is a no-op. */
  readonly enabled: boolean;
  readonly service: string;
  readonly version: string;
  readonly traceExport: TraceExport;
  /** The trace exporters configured from OTEL_TRACES_EXPORTER when traceExport is `env` (e.g. `otlp`). */
  readonly traceExporters: readonly string[];
  /**
   * Resolves once /metrics listens (undefined when no endpoint is served); rejects when the port
   * cannot be bound. Awaiting it at startup turns a port clash into a clear startup failure;
   * nobody awaiting it only costs a line on stderr.
   */
  readonly metricsEndpoint: Promise<MetricsEndpoint | undefined>;
  /** The Prometheus exposition text, exactly as a scrape would return it. */
  metricsText(): Promise<string>;
  /** Exports finished spans now (BatchSpanProcessor would otherwise wait up to 5 s). */
  forceFlush(): Promise<void>;
  /** Flushes spans, closes the metrics endpoint, unpatches modules and unregisters the globals. */
  shutdown(): Promise<void>;
}

const GLOBAL_KEY = Symbol.for('boxoffice.telemetry');
type GlobalSlot = { [GLOBAL_KEY]?: Telemetry };

/** The running telemetry, if startTelemetry has been called in this process. */
export function getTelemetry(): Telemetry | undefined {
  return (globalThis as GlobalSlot)[GLOBAL_KEY];
}

/** Shuts the running telemetry down (no-op when none runs): flushes spans, closes /metrics, unregisters everything. */
export async function shutdownTelemetry(): Promise<void> {
  await getTelemetry()?.shutdown();
}

/** How long a shutdown waits for the last spans to be exported (an absent collector must not hold up a rollout). */
const FLUSH_ON_SHUTDOWN_MS = 3_000;

/**
 * Nest provider that exports the last spans when the application shuts down
 * (`enableShutdownHooks()` runs it on SIGTERM, before Nest re-raises the signal). It only
 * flushes, bounded to 3 s: the process exit closes the rest, and a test that closes one app and
 * opens another keeps its telemetry. Add it to the root module's providers.
 */
export class TelemetryShutdownHook {
  async onApplicationShutdown(): Promise<void> {
    const telemetry = getTelemetry();
    if (!telemetry) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      telemetry.forceFlush().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FLUSH_ON_SHUTDOWN_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
}

/**
 * Starts OpenTelemetry for this process. Call it before anything requires `http`, `express`,
 * `@nestjs/core`, `pg` or `kafkajs`: instrumentation patches modules as they are first loaded
 * (CommonJS require hooks). In a service that means a `src/telemetry.ts` imported on the first
 * line of `main.ts`; see docs/observability.md.
 *
 * Idempotent: a second call returns the running instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const running = getTelemetry();
  if (running) return running;
  const telemetry = isTrue(process.env.OTEL_SDK_DISABLED) ? disabledTelemetry(options) : startSdk(options);
  (globalThis as GlobalSlot)[GLOBAL_KEY] = telemetry;
  return telemetry;
}

function startSdk(options: TelemetryOptions): Telemetry {
  const metricsPort = options.metricsPort ?? metricsPortFromEnv(process.env.METRICS_PORT);
  const metricsHost = options.metricsHost ?? metricsHostFromEnv(process.env);
  // hostDetector is left out: its host.id comes from an asynchronous read (a dynamic import that
  // fails under Jest and holds back every export until it settles); host.name is enough.
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector, processDetector] }))
    .merge(resourceFromAttributes({ 'host.name': hostname(), [ATTR_SERVICE_NAME]: options.service, [ATTR_SERVICE_VERSION]: options.version }));

  // Metrics: our own MeterProvider with the Prometheus reader. The exporter's built-in server is
  // not used so that the port can be 0, bound to a host, awaited and closed; its request handler
  // and serializer are. service.name and service.version become labels on every series.
  const prometheus = new PrometheusExporter({
    preventServerStart: true,
    withResourceConstantLabels: /^service\.(name|version)$/,
    withoutScopeInfo: true,
  });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus], views: metricViews() });
  // Before the instrumentations are constructed: they take their meter from the global provider.
  metrics.setGlobalMeterProvider(meterProvider);

  let boundMetricsPort: number | undefined;
  const instrumentations = defaultInstrumentations((req) => isUntracedPath(req.url) || (boundMetricsPort !== undefined && req.socket?.localPort === boundMetricsPort));
  for (const instrumentation of instrumentations) instrumentation.setMeterProvider(meterProvider);

  const { traceExport, traceExporters } = traceExportFromEnv(options.spanExporter);
  const tracing = options.spanExporter
    ? { spanProcessors: [new SimpleSpanProcessor(options.spanExporter)], sampler: new AlwaysOnSampler() }
    : traceExport === 'none'
      ? // A tracer provider that records nothing: spans still get W3C ids, so logs carry a
        // trace_id and events carry a traceparent, at the cost of generating two random ids.
        { spanProcessors: [new NoopSpanProcessor()], sampler: new AlwaysOffSampler() }
      : {}; // 'env': NodeSDK builds exporters, batch processor and sampler from OTEL_* variables.

  const tracer = startTracing(resource, instrumentations, traceExport, tracing);

  const server = metricsPort === false ? undefined : createServer((req, res) => {
    if (req.method === 'GET' && (req.url === METRICS_PATH || req.url?.startsWith(`${METRICS_PATH}?`))) {
      // The exporter says `text/plain`; Prometheus 3 wants the exposition format's version too.
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) => setHeader(name, name.toLowerCase() === 'content-type' ? PROMETHEUS_CONTENT_TYPE : value);
      prometheus.getMetricsRequestHandler(req, res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const metricsEndpoint = server
    ? listen(server, metricsPort as number, metricsHost).then((port) => {
        boundMetricsPort = port;
        return { port, url: `http://${urlHost(metricsHost)}:${port}${METRICS_PATH}` };
      })
    : Promise.resolve(undefined);
  metricsEndpoint.catch((error: unknown) => {
    process.stderr.write(`telemetry: /metrics is not served: ${error instanceof Error ? error.message : String(error)}\n`);
  });

  let stopped: Promise<void> | undefined;
  const telemetry: Telemetry = {
    enabled: true,
    service: options.service,
    version: options.version,
    traceExport,
    traceExporters,
    metricsEndpoint,
    metricsText: () => scrape(prometheus),
    forceFlush: () => tracer.forceFlush(),
    shutdown: () => {
      stopped ??= (async () => {
        if (getTelemetry() === telemetry) delete (globalThis as GlobalSlot)[GLOBAL_KEY];
        await Promise.allSettled([tracer.shutdown(), meterProvider.shutdown(), closeServer(server)]);
        for (const instrumentation of instrumentations) instrumentation.disable();
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
      })();
      return stopped;
    },
  };
  return telemetry;
}

interface Tracing {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider, the context manager and the propagator. NodeSDK is loaded only
 * when the OTEL_* variables ask for what it builds from them (trace exporters, OTEL_PROPAGATORS):
 * requiring it loads every OTLP exporter for traces, metrics and logs, which cost about 0.3 s of
 * every cold start. Otherwise the same pieces NodeSDK would register are set up here; the
 * sampler and span limits still follow OTEL_* (BasicTracerProvider reads them).
 */
function startTracing(
  resource: Resource,
  instrumentations: Instrumentation[],
  traceExport: TraceExport,
  tracing: { spanProcessors?: SpanProcessor[]; sampler?: Sampler },
): Tracing {
  if (traceExport === 'env' || nonEmpty(process.env.OTEL_PROPAGATORS)) {
    const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
    const sdk = new NodeSDK({
      resource,
      autoDetectResources: false,
      instrumentations,
      // Metrics are served by our own MeterProvider; an empty list stops NodeSDK from creating
      // its default OTLP metric exporter. Logs go to stdout through pino, never to OTLP.
      metricReaders: [],
      logRecordProcessors: [],
      ...tracing,
    });
    sdk.start();
    const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as { forceFlush?: () => Promise<void> };
    return { forceFlush: async () => provider.forceFlush?.(), shutdown: () => sdk.shutdown() };
  }
  // The instrumentations patch modules from their construction on and trace through the global
  // (proxy) tracer provider, which delegates to this one.
  const provider = new BasicTracerProvider({ resource, ...tracing });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  return { forceFlush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

function defaultInstrumentations(untraced: (req: IncomingMessage) => boolean): Instrumentation[] {
  return [
    new HttpInstrumentation({
      // No request or response headers become span attributes: Authorization and cookies stay out.
      ignoreIncomingRequestHook: untraced,
    }),
    // Route handlers only: one span per middleware layer costs more than it tells.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    new NestInstrumentation(),
    // Only queries made on behalf of something traced: the outbox relay polls every 200 ms and
    // would otherwise start a root trace per poll. Statement parameters are never recorded, nor
    // the pool's connect spans (two per order, all noise).
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    new KafkaJsInstrumentation(),
  ];
}

function disabledTelemetry(options: TelemetryOptions): Telemetry {
  const telemetry: Telemetry = {
    enabled: false,
    service: options.service,
    version: options.version,
    traceExport: 'none',
    traceExporters: [],
    metricsEndpoint: Promise.resolve(undefined),
    metricsText: async () => '',
    forceFlush: async () => undefined,
    shutdown: async () => {
      if (getTelemetry() === telemetry) delete (globalThis as GlobalSlot)[GLOBAL_KEY];
    },
  };
  return telemetry;
}

/**
 * Trace export follows the standard variables, with one rule on top: OTLP is used only when an
 * endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT). Without
 * one there is no exporter at all, rather than one retrying localhost:4318 forever.
 * OTEL_TRACES_EXPORTER=console (or zipkin) works without an endpoint; `none` turns export off.
 */
export function traceExportFromEnv(testExporter?: SpanExporter, env: NodeJS.ProcessEnv = process.env): { traceExport: TraceExport; traceExporters: string[] } {
  if (testExporter) return { traceExport: 'test', traceExporters: ['test'] };
  const listed = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'null');
  if (listed.includes('none')) return { traceExport: 'none', traceExporters: [] };
  const exporters = listed.length > 0 ? listed : ['otlp'];
  const hasEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (exporters.includes('otlp') && !hasEndpoint) {
    const others = exporters.filter((name) => name !== 'otlp');
    // NodeSDK would add an OTLP exporter for `otlp` in the list: only hand over when it is absent.
    return others.length > 0 && others.length === exporters.length ? { traceExport: 'env', traceExporters: others } : { traceExport: 'none', traceExporters: [] };
  }
  return { traceExport: 'env', traceExporters: exporters };
}

/** METRICS_HOST, else HOST; undefined (all interfaces) when neither is set. */
export function metricsHostFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.METRICS_HOST?.trim() || env.HOST?.trim() || undefined;
}

export function metricsPortFromEnv(raw: string | undefined): number {
  const value = raw?.trim();
  if (!value) return DEFAULT_METRICS_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`METRICS_PORT must be a port number from 0 to 65535 (got "${value}")`);
  }
  return port;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'EADDRINUSE' ? `metrics port ${port} is already in use (set METRICS_PORT)` : error.message));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Runs the exporter's request handler against an in-memory response. */
function scrape(prometheus: PrometheusExporter): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    const response = {
      statusCode: 200,
      setHeader: () => response,
      end: (chunk?: string) => {
        body += chunk ?? '';
        resolve(body);
      },
    };
    prometheus.getMetricsRequestHandler({} as IncomingMessage, response as never);
  });
}
