import { trace, Tracer } from '@opentelemetry/api';

/** Instrumentation scope of the spans Box Office code starts itself. */
export const TRACER_NAME = '@boxoffice/telemetry';

/** A tracer that follows the global provider (the API's proxy), so it may be taken at load time. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
