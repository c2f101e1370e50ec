import type { IHeaders } from 'kafkajs';
import { deadLetter } from '@boxoffice/contracts';
import { MessageSource } from '../inbox/message-source';

export interface Failure {
  /** `<category>: <details>`: contract-violation, delivery-failed or processing-failed. */
  reason: string;
  attempts: number;
}

const MAX_REASON_LENGTH = 1_000;
const deadLetterHeaderNames = new Set<string>(Object.values(deadLetter.headers));

/** Bytes or text as Kafka takes them; Nest's parser turns JSON-looking text into objects, this turns them back. */
export function asKafkaBytes(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The original headers (trace context, event id) plus why and where the message failed. */
export function deadLetterHeaders(original: Record<string, unknown> | undefined, source: MessageSource, failure: Failure, failedAt = new Date()): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(withoutDeadLetterHeaders(original))) {
    const bytes = asKafkaBytes(value);
    if (bytes !== null) headers[name] = bytes;
  }
  const h = deadLetter.headers;
  headers[h.reason] = failure.reason.length > MAX_REASON_LENGTH ? `${failure.reason.slice(0, MAX_REASON_LENGTH - 1)}…` : failure.reason;
  headers[h.originalTopic] = source.topic;
  headers[h.originalPartition] = String(source.partition);
  headers[h.originalOffset] = source.offset;
  headers[h.attempts] = String(failure.attempts);
  headers[h.failedAt] = failedAt.toISOString();
  return headers;
}

/** Headers of a dead letter without the dead-letter bookkeeping: what a replay sends again. */
export function withoutDeadLetterHeaders<V>(headers: Record<string, V> | undefined): Record<string, V> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !deadLetterHeaderNames.has(name)));
}
