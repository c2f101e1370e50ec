import { Context, context, Link, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, TextMapGetter, TextMapSetter, trace } from '@opentelemetry/api';
import { suppressTracing, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TraceContext } from '@boxoffice/contracts';
import { tracer } from './tracer';

/** Kafka header values as kafkajs and Nest hand them over. */
export type HeaderValue = string | Buffer | Array<string | Buffer> | undefined;
export type HeadersLike = Record<string, HeaderValue>;

/** The envelope fields tracing reads (any `@boxoffice/contracts` event fits). */
export interface EventLike {
  eventId?: string;
  traceContext?: TraceContext;
}

/** The contract caps `tracestate` at 512 characters; a longer one (sent by a client) is dropped. */
const MAX_TRACESTATE = 512;

// The envelope's traceContext is W3C by contract, whatever OTEL_PROPAGATORS says for HTTP.
const w3c = new W3CTraceContextPropagator();

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const headersGetter: TextMapGetter<HeadersLike> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/**
 * The W3C trace context of the active span (or of `ctx`), shaped as the envelope's
 * `traceContext`; undefined when there is no valid span (telemetry not started).
 *
 * Call it while building an event inside the request that causes it, e.g.
 * `buildEvent(topic, payload, { producer, traceContext: currentTraceContext() })`; the outbox
 * row then stores the request's context and the relay continues that trace.
 */
export function currentTraceContext(ctx: Context = context.active()): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, recordSetter);
  if (!carrier.traceparent) return undefined;
  const tracestate = carrier.tracestate;
  return tracestate && tracestate.length <= MAX_TRACESTATE ? { traceparent: carrier.traceparent, tracestate } : { traceparent: carrier.traceparent };
}

/** A context whose remote parent is the given envelope trace context (ROOT_CONTEXT when absent or invalid). */
export function contextFromTraceContext(traceContext: TraceContext | undefined): Context {
  if (!traceContext) return ROOT_CONTEXT;
  const carrier: HeadersLike = { traceparent: traceContext.traceparent, tracestate: traceContext.tracestate };
  return w3c.extract(ROOT_CONTEXT, carrier, headersGetter);
}

/** A context whose remote parent comes from Kafka headers (`traceparent`, `tracestate`). */
export function contextFromHeaders(headers: HeadersLike | undefined): Context {
  return headers ? w3c.extract(ROOT_CONTEXT, headers, headersGetter) : ROOT_CONTEXT;
}

function hasParent(ctx: Context): boolean {
  return trace.getSpanContext(ctx) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Consumer side
// ---------------------------------------------------------------------------------------------

export interface ConsumedMessage {
  topic: string;
  partition?: number;
  offset?: string;
  key?: string | Buffer | null;
  headers?: HeadersLike;
  consumerGroup?: string;
  /** The parsed envelope: its traceContext is the parent when the headers carry none. */
  event?: EventLike;
}

/** The minimal view of Nest's KafkaContext used here. */
export interface KafkaContextLike {
  getTopic(): string;
  getPartition(): number;
  getMessage(): { offset: string; key?: Buffer | string | null; headers?: HeadersLike };
}

/** Describes a message from a Nest `KafkaContext` (and its parsed event, if already validated). */
export function consumedMessage(ctx: KafkaContextLike, event?: EventLike, consumerGroup?: string): ConsumedMessage {
  const message = ctx.getMessage();
  return { topic: ctx.getTopic(), partition: ctx.getPartition(), offset: message.offset, key: message.key, headers: message.headers, event, consumerGroup };
}

/**
 * Runs a message handler inside the message's trace.
 *
 * The parent is the message's `traceparent` header (written by the producer span), else the
 * envelope's `traceContext`. When @opentelemetry/instrumentation-kafkajs is active it already
 * runs `eachMessage` inside a CONSUMER `process <topic>` span made from the same header; then no
 * second span is started, the active one only gets the consumer group and event id. Without the
 * instrumentation (Jest, or a consumer it does not patch) this starts that span itself.
 */
export async function withConsumerSpan<T>(message: ConsumedMessage, handler: () => T | Promise<T>): Promise<T> {
  const fromHeaders = contextFromHeaders(message.headers);
  const fromEnvelope = contextFromTraceContext(message.event?.traceContext);
  const parent = hasParent(fromHeaders) ? fromHeaders : fromEnvelope;
  const parentTraceId = trace.getSpanContext(parent)?.traceId;
  const extra = consumerAttributes(message);

  const active = trace.getActiveSpan();
  if (active && (parentTraceId === undefined || active.spanContext().traceId === parentTraceId)) {
    if (active.isRecording()) active.setAttributes(extra);
    return handler();
  }

  const links: Link[] = [];
  const envelopeSpan = trace.getSpanContext(fromEnvelope);
  if (envelopeSpan && parentTraceId !== undefined && envelopeSpan.traceId !== parentTraceId) links.push({ context: envelopeSpan });
  const span = tracer().startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        ...(message.partition !== undefined ? { 'messaging.destination.partition.id': String(message.partition) } : {}),
        ...(message.offset !== undefined ? { 'messaging.kafka.offset': Number(message.offset) } : {}),
        ...(message.key ? { 'messaging.kafka.message.key': message.key.toString() } : {}),
        ...extra,
      },
    },
    parent,
  );
  return runInSpan(span, trace.setSpan(parent, span), handler);
}

function consumerAttributes(message: ConsumedMessage): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (message.consumerGroup) attributes['messaging.consumer.group.name'] = message.consumerGroup;
  if (message.event?.eventId) attributes['messaging.message.id'] = message.event.eventId;
  return attributes;
}

async function runInSpan<T>(span: Span, ctx: Context, fn: () => T | Promise<T>): Promise<T> {
  try {
    const result = await context.with(ctx, fn);
    span.end();
    return result;
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
}

function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setAttribute('error.type', error.name);
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

// ---------------------------------------------------------------------------------------------
// Producer side (the outbox relay)
// ---------------------------------------------------------------------------------------------

export interface OutgoingMessage {
  key?: string | Buffer | null;
  headers?: HeadersLike;
}

export interface OutgoingTopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

/**
 * Sends a batch whose messages carry stored trace contexts (outbox rows) with one PRODUCER span
 * per message, each a child of the context stored with it: the HTTP request that wrote the row.
 * The message's `traceparent` header is rewritten to that producer span, so the consumer's span
 * becomes its child and the whole path is one trace.
 *
 * `send` runs with tracing suppressed: instrumentation-kafkajs would otherwise start its own
 * `send` spans as children of whatever is active in the relay loop (nothing: a new trace per
 * batch) and overwrite every `traceparent` header with them, cutting the trace in two.
 */
export async function withProducerSpans<T>(topicMessages: readonly OutgoingTopicMessages[], send: () => Promise<T>): Promise<T> {
  const spans: Span[] = [];
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const stored = contextFromHeaders(message.headers);
      const parent = hasParent(stored) ? stored : context.active();
      const eventId = message.headers ? headersGetter.get(message.headers, 'event-id') : undefined;
      const span = tracer().startSpan(
        `send ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.operation.name': 'send',
            'messaging.destination.name': topic,
            ...(message.key ? { 'messaging.kafka.message.key': message.key.toString() } : {}),
            ...(eventId ? { 'messaging.message.id': eventId } : {}),
          },
        },
        parent,
      );
      const carrier: Record<string, string> = {};
      w3c.inject(trace.setSpan(parent, span), carrier, recordSetter);
      if (carrier.traceparent) {
        // Without an SDK (OTEL_SDK_DISABLED) nothing is injected and the stored context travels on.
        const headers: HeadersLike = { ...message.headers };
        delete headers.tracestate;
        message.headers = { ...headers, ...carrier };
      }
      spans.push(span);
    }
  }
  try {
    const result = await context.with(suppressTracing(context.active()), send);
    for (const span of spans) span.end();
    return result;
  } catch (error) {
    for (const span of spans) {
      failSpan(span, error);
      span.end();
    }
    throw error;
  }
}

/** A batch sender (kafkajs `Producer`, the outbox relay's `BatchSender`) whose sends are traced per message. */
export interface BatchSenderLike<B extends { topicMessages?: readonly OutgoingTopicMessages[] }, R> {
  sendBatch(batch: B): Promise<R>;
}

/**
 * Wraps a batch sender with `withProducerSpans`. Outbox wiring:
 * `new OutboxRelay(pool, () => tracedBatchSender(publisher.producer), options)`.
 */
export function tracedBatchSender<B extends { topicMessages?: readonly OutgoingTopicMessages[] }, R>(sender: BatchSenderLike<B, R>): BatchSenderLike<B, R> {
  return { sendBatch: (batch) => withProducerSpans(batch.topicMessages ?? [], () => sender.sendBatch(batch)) };
}
