import type { IHeaders } from 'kafkajs';
import type { TraceContext } from '@boxoffice/contracts';

/** Kafka headers every Box Office message carries, besides the envelope itself. */
export function eventHeaders(event: { eventId: string; type: string; version: number; traceContext?: TraceContext }): IHeaders {
  const headers: IHeaders = {
    'event-id': event.eventId,
    'event-type': `${event.type}.v${event.version}`,
    'content-type': 'application/json',
  };
  if (event.traceContext) {
    headers.traceparent = event.traceContext.traceparent;
    if (event.traceContext.tracestate) headers.tracestate = event.traceContext.tracestate;
  }
  return headers;
}

export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
