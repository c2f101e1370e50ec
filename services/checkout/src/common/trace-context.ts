import { TraceContext, traceContextSchema } from '@boxoffice/contracts';

/** The caller's W3C trace context, when it sent a valid one, to carry into the events. */
export function traceContextFrom(headers: Record<string, string | string[] | undefined>): TraceContext | undefined {
  const parsed = traceContextSchema.safeParse({ traceparent: headers.traceparent, tracestate: headers.tracestate });
  return parsed.success ? parsed.data : undefined;
}
