import { z } from 'zod';

/** W3C trace context carried with every event so one trace spans HTTP and Kafka hops. */
export const traceContextSchema = z
  .object({
    traceparent: z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/, 'must be a W3C traceparent'),
    tracestate: z.string().max(512).optional(),
  })
  .strict();

export const producerSchema = z
  .object({
    service: z.string().min(1),
    version: z.string().min(1),
  })
  .strict();

export type TraceContext = z.infer<typeof traceContextSchema>;
export type Producer = z.infer<typeof producerSchema>;

/** Builds the strict envelope schema shared by every event: only the payload differs. */
export function envelopeSchema<Type extends string, Version extends number, Payload extends z.ZodType>(
  type: Type,
  version: Version,
  payload: Payload,
) {
  return z
    .object({
      eventId: z.uuid(),
      type: z.literal(type),
      version: z.literal(version),
      occurredAt: z.iso.datetime({ offset: true }),
      producer: producerSchema,
      traceContext: traceContextSchema.optional(),
      payload,
    })
    .strict();
}
