import { Attributes, Counter, Histogram, Meter, MeterProvider, metrics, ObservableGauge, ObservableResult, ValueType } from '@opentelemetry/api';
import { AggregationType, ViewOptions } from '@opentelemetry/sdk-metrics';

/**
 * The Prometheus series other systems query by name (Argo Rollouts analysis, KEDA, dashboards).
 * They are a contract: renaming one breaks a canary or an autoscaler. docs/observability.md
 * lists each with its labels and its users; metrics.spec.ts scrapes a real /metrics endpoint and
 * checks every name and label here.
 *
 * Every series also carries `service_name` and `service_version` (resource attributes applied as
 * constant labels by the exporter, see telemetry.ts).
 */
export const SERIES = {
  httpServerDuration: 'http_server_request_duration_seconds',
  outboxBacklog: 'boxoffice_outbox_backlog',
  consumerLag: 'boxoffice_consumer_lag',
  messagingProcessDuration: 'messaging_process_duration_seconds',
  flagEvaluations: 'boxoffice_flag_evaluations_total',
  deadLetters: 'boxoffice_dead_letters_total',
} as const;

/** The meter Box Office's own instruments live in. */
export const METER_NAME = 'boxoffice';

/**
 * OpenTelemetry instrument names (semantic conventions where one exists). The Prometheus exporter
 * turns dots into underscores and appends `_total` to counters but adds no unit suffix, so the
 * histograms in seconds get their `_seconds` name from a view (metricViews below).
 */
export const INSTRUMENTS = {
  httpServerDuration: 'http.server.request.duration',
  outboxBacklog: 'boxoffice.outbox.backlog',
  consumerLag: 'boxoffice.consumer.lag',
  messagingProcessDuration: 'messaging.process.duration',
  /** Recorded by @boxoffice/flags itself through `metrics.getMeter('boxoffice-flags')`. */
  flagEvaluations: 'boxoffice.flag.evaluations',
  deadLetters: 'boxoffice.dead_letters',
} as const;

/** Semantic-convention bucket boundaries for request and processing durations, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const HTTP_INSTRUMENTATION = '@opentelemetry/instrumentation-http';
const KAFKAJS_INSTRUMENTATION = '@opentelemetry/instrumentation-kafkajs';

/**
 * Views applied to every reader:
 * - our two duration histograms get their contract names (`…_seconds`);
 * - the instrumentations' own `http.server.request.duration` and `messaging.process.duration`
 *   are dropped: ours replace them (ours carry the route template / the outcome), and two
 *   sources of one name would print the same metric family twice, which Prometheus rejects;
 * - the instrumentations' other histograms in seconds get the same `_seconds` suffix so every
 *   duration series reads alike.
 */
export function metricViews(): ViewOptions[] {
  const drop = { type: AggregationType.DROP } as const;
  return [
    { meterName: METER_NAME, instrumentName: INSTRUMENTS.httpServerDuration, name: SERIES.httpServerDuration },
    { meterName: METER_NAME, instrumentName: INSTRUMENTS.messagingProcessDuration, name: SERIES.messagingProcessDuration },
    { meterName: HTTP_INSTRUMENTATION, instrumentName: 'http.server.request.duration', aggregation: drop },
    { meterName: KAFKAJS_INSTRUMENTATION, instrumentName: 'messaging.process.duration', aggregation: drop },
    { meterName: HTTP_INSTRUMENTATION, instrumentName: 'http.client.request.duration', name: 'http_client_request_duration_seconds' },
    { meterName: KAFKAJS_INSTRUMENTATION, instrumentName: 'messaging.client.operation.duration', name: 'messaging_client_operation_duration_seconds' },
    { instrumentName: 'db.client.operation.duration', name: 'db_client_operation_duration_seconds' },
  ];
}

/** How a consumed message ended. Idempotent duplicates count as `success`. */
export type MessageOutcome = 'success' | 'error' | 'dead_letter';

export interface HttpRequestRecord {
  method: string;
  /** The route template (`/orders/:id`), never the raw path; omit when no route matched. */
  route?: string;
  statusCode: number;
  seconds: number;
}

export interface ConsumerLag {
  topic: string;
  partition: number;
  consumerGroup: string;
  lag: number;
}

/** Observable callbacks are bounded so a slow database or broker cannot stall a scrape. */
const OBSERVE_TIMEOUT_MS = 2_000;

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/** Semantic conventions: unknown methods are reported as `_OTHER` (keeps label cardinality bounded). */
export function normalizeMethod(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

class Instruments {
  readonly httpServerDuration: Histogram;
  readonly messagingProcessDuration: Histogram;
  readonly deadLetters: Counter;
  readonly outboxBacklog: ObservableGauge;
  readonly consumerLag: ObservableGauge;

  constructor(
    readonly provider: MeterProvider,
    meter: Meter,
  ) {
    this.httpServerDuration = meter.createHistogram(INSTRUMENTS.httpServerDuration, {
      description: 'Duration of HTTP server requests, by method, route template and status code.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.messagingProcessDuration = meter.createHistogram(INSTRUMENTS.messagingProcessDuration, {
      description: 'Duration of processing one consumed Kafka message, by topic and outcome.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.deadLetters = meter.createCounter(INSTRUMENTS.deadLetters, {
      description: 'Messages set aside to a dead-letter topic, by source topic and reason.',
      unit: '{message}',
    });
    this.outboxBacklog = meter.createObservableGauge(INSTRUMENTS.outboxBacklog, {
      description: 'Outbox rows written but not yet acknowledged by Kafka.',
      unit: '{event}',
      valueType: ValueType.INT,
    });
    this.consumerLag = meter.createObservableGauge(INSTRUMENTS.consumerLag, {
      description: 'Messages on a partition not yet committed by the consumer group.',
      unit: '{message}',
      valueType: ValueType.INT,
    });
  }
}

let current: Instruments | undefined;

/**
 * Instruments bound to the meter provider registered right now. The metrics API has no proxy
 * provider: an instrument created before the SDK starts stays a no-op forever, so instruments
 * are created on first use and again whenever the global provider changes.
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (current?.provider !== provider) current = new Instruments(provider, provider.getMeter(METER_NAME));
  return current;
}

/** Records one finished HTTP request (the middleware in http-telemetry.ts calls this). */
export function recordHttpRequest(request: HttpRequestRecord): void {
  const attributes: Attributes = {
    'http.request.method': normalizeMethod(request.method),
    'http.response.status_code': request.statusCode,
  };
  if (request.route) attributes['http.route'] = request.route;
  instruments().httpServerDuration.record(request.seconds, attributes);
}

/** Records one consumed message: how long its handler took and how it ended. */
export function recordMessageProcessed(topic: string, outcome: MessageOutcome, seconds: number): void {
  instruments().messagingProcessDuration.record(seconds, { 'messaging.destination.name': topic, outcome });
}

/** Counts a message sent to a dead-letter topic. `reason` must be a short fixed word, not an error message. */
export function countDeadLetter(topic: string, reason: string): void {
  instruments().deadLetters.add(1, { topic, reason });
}

/**
 * Reports the outbox backlog at each scrape. `read` may be async (a COUNT query); return
 * `undefined` to report nothing this time (e.g. on a replica that is not the relay leader, so a
 * `max()` across pods is not needed). Errors and reads slower than 2 s skip the sample.
 * Returns a function that stops observing.
 */
export function observeOutboxBacklog(read: () => number | undefined | Promise<number | undefined>): () => void {
  const gauge = instruments().outboxBacklog;
  const callback = async (result: ObservableResult) => {
    const value = await bounded(read);
    if (typeof value === 'number' && Number.isFinite(value)) result.observe(value);
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

/**
 * Reports consumer lag per topic and partition at each scrape (see `kafkaConsumerLag` for a
 * reader built on the kafkajs admin client). Errors and reads slower than 2 s skip the sample.
 * Returns a function that stops observing.
 */
export function observeConsumerLag(read: () => ConsumerLag[] | Promise<ConsumerLag[]>): () => void {
  const gauge = instruments().consumerLag;
  const callback = async (result: ObservableResult) => {
    const lags = (await bounded(read)) ?? [];
    for (const { topic, partition, consumerGroup, lag } of lags) {
      result.observe(lag, { topic, partition: String(partition), consumer_group: consumerGroup });
    }
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

async function bounded<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), OBSERVE_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(read), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
