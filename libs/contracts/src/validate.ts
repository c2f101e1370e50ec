import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { contracts, EventOf, isTopic, PayloadOf, Topic } from './catalog';
import { Producer, TraceContext } from './envelope';

export interface ContractIssue {
  path: string;
  message: string;
}

/** A message that does not match its contract: says which topic, which field and why. */
export class ContractViolationError extends Error {
  constructor(
    readonly topic: string,
    readonly issues: ContractIssue[],
  ) {
    super(`${topic}: ${issues.map((i) => `${i.path || '(message)'}: ${i.message}`).join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

function toIssues(error: z.ZodError): ContractIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export interface EventMetadata {
  producer: Producer;
  traceContext?: TraceContext;
  eventId?: string;
  occurredAt?: Date;
}

/** Wraps a payload in a validated envelope; throws ContractViolationError before anything is sent. */
export function buildEvent<T extends Topic>(topic: T, payload: PayloadOf<T>, meta: EventMetadata): EventOf<T> {
  const candidate = {
    eventId: meta.eventId ?? randomUUID(),
    type: contracts[topic].type,
    version: contracts[topic].version,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    producer: meta.producer,
    ...(meta.traceContext ? { traceContext: meta.traceContext } : {}),
    payload,
  };
  return assertEvent(topic, candidate);
}

export type ParseResult<T extends Topic> = { ok: true; event: EventOf<T> } | { ok: false; error: ContractViolationError };

/** Parses a raw Kafka value (bytes, JSON text or an already decoded object) against the topic's contract. */
export function parseEvent<T extends Topic>(topic: T, raw: unknown): ParseResult<T> {
  if (!isTopic(topic)) {
    return { ok: false, error: new ContractViolationError(topic, [{ path: '', message: 'unknown topic: no contract' }]) };
  }
  let value: unknown = raw;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: new ContractViolationError(topic, [{ path: '', message: 'value is not valid JSON' }]) };
    }
  }
  const result = contracts[topic].schema.safeParse(value);
  if (!result.success) return { ok: false, error: new ContractViolationError(topic, toIssues(result.error)) };
  return { ok: true, event: result.data as EventOf<T> };
}

export function assertEvent<T extends Topic>(topic: T, raw: unknown): EventOf<T> {
  const result = parseEvent(topic, raw);
  if (!result.ok) throw result.error;
  return result.event;
}

/** The message key of an event, taken from the payload field its contract names. */
export function keyOf<T extends Topic>(topic: T, event: EventOf<T>): string {
  const payload = event.payload as Record<string, unknown>;
  return String(payload[contracts[topic].key]);
}
