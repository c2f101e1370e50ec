import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { deadLetter, isTopic, parseEvent } from '@boxoffice/contracts';
import { withoutDeadLetterHeaders } from './dead-letter-headers';
import { commitGroupOffsets } from './group-offsets';

export interface DeadLetterRecord {
  /** `<partition>:<offset>` in the dead-letter topic. */
  id: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
  originalTopic: string;
  originalPartition: string;
  originalOffset: string;
  attempts: string;
  failedAt: string;
  /** From the `event-id` header, or the value when it is a readable envelope. */
  eventId?: string;
  /** Replayed by an earlier `replay` without `--id` (the replay group's committed offset is past it). */
  replayed: boolean;
}

export interface ReplayResult {
  id: string;
  eventId?: string;
  originalTopic: string;
  outcome: 'replayed' | 'skipped';
  detail?: string;
}

/** Header added to a replayed message: which dead letter it came from. */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';

export const DEFAULT_REPLAY_GROUP = 'notify.dead-letter-replay';

/**
 * Lists and replays notify's dead letters. A replay sends the original key, bytes and headers
 * back to the original topic (after checking the contract again), where notify handles it like
 * any redelivery: by event id, at most one notification. `replay()` without ids replays what no
 * earlier replay covered and records its progress as the committed offsets of the replay group.
 */
export class DeadLetterTopic {
  constructor(
    private readonly kafka: Kafka,
    private readonly replayGroup = DEFAULT_REPLAY_GROUP,
  ) {}

  /** Every dead letter currently on the topic, oldest first per partition. */
  async list(): Promise<DeadLetterRecord[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(deadLetter.topic);
      const committed = await admin.fetchOffsets({ groupId: this.replayGroup, topics: [deadLetter.topic] });
      const replayedBelow = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
      const wanted = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
      const messages = await this.readUpTo(wanted);
      return messages
        .map(({ partition, message }) => toRecord(partition, message, (replayedBelow.get(partition) ?? -1n) > BigInt(message.offset)))
        .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    } finally {
      await admin.disconnect();
    }
  }

  /** Replays the dead letters whose id or event id is in `ids`; without ids, every one not replayed yet. */
  async replay(selection: { ids?: string[] } = {}): Promise<ReplayResult[]> {
    const all = await this.list();
    const ids = selection.ids ?? [];
    const chosen = ids.length
      ? all.filter((r) => ids.includes(r.id) || (r.eventId !== undefined && ids.includes(r.eventId)))
      : all.filter((r) => !r.replayed);
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const results: ReplayResult[] = [];
    try {
      for (const record of chosen) results.push(await replayOne(producer, record));
    } finally {
      await producer.disconnect();
    }
    if (ids.length === 0) await this.markReplayed(all);
    return results;
  }

  private async markReplayed(records: DeadLetterRecord[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const r of records) {
      const after = BigInt(r.offset) + 1n;
      if (after > (next.get(r.partition) ?? 0n)) next.set(r.partition, after);
    }
    if (next.size === 0) return;
    await commitGroupOffsets(this.kafka, this.replayGroup, [
      { topic: deadLetter.topic, partitions: [...next].map(([partition, offset]) => ({ partition, offset: offset.toString() })) },
    ]);
  }

  /** Reads each partition from its start up to (excluding) the given end offset, with a throw-away group. */
  private async readUpTo(ends: Map<number, bigint>, timeoutMs = 30_000): Promise<Array<{ partition: number; message: KafkaMessage }>> {
    if (ends.size === 0) return [];
    const consumer = this.kafka.consumer({ groupId: `notify.dead-letter-reader.${randomUUID()}`, allowAutoTopicCreation: false });
    const collected: Array<{ partition: number; message: KafkaMessage }> = [];
    const remaining = new Set(ends.keys());
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: deadLetter.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${deadLetter.topic} did not reach its end within ${timeoutMs} ms`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = ends.get(partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              collected.push({ partition, message });
              if (BigInt(message.offset) === end - 1n) remaining.delete(partition);
              if (remaining.size === 0) done();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error);
          });
      });
    } finally {
      await consumer.disconnect();
    }
    return collected;
  }
}

async function replayOne(producer: ReturnType<Kafka['producer']>, record: DeadLetterRecord): Promise<ReplayResult> {
  const base = { id: record.id, eventId: record.eventId, originalTopic: record.originalTopic };
  if (!isTopic(record.originalTopic)) return { ...base, outcome: 'skipped', detail: `unknown original topic "${record.originalTopic}"` };
  const parsed = parseEvent(record.originalTopic, record.value);
  if (!parsed.ok) return { ...base, outcome: 'skipped', detail: `still breaks its contract: ${parsed.error.message}` };
  const headers: IHeaders = { ...withoutDeadLetterHeaders(record.headers), [REPLAYED_FROM_HEADER]: `${deadLetter.topic}/${record.id}` };
  await producer.send({ topic: record.originalTopic, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
  return { ...base, outcome: 'replayed' };
}

function toRecord(partition: number, message: KafkaMessage, replayed: boolean): DeadLetterRecord {
  const headers = decodeHeaders(message.headers);
  const h = deadLetter.headers;
  return {
    id: `${partition}:${message.offset}`,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    reason: headers[h.reason] ?? '(no reason header)',
    originalTopic: headers[h.originalTopic] ?? '(unknown)',
    originalPartition: headers[h.originalPartition] ?? '',
    originalOffset: headers[h.originalOffset] ?? '',
    attempts: headers[h.attempts] ?? '',
    failedAt: headers[h.failedAt] ?? '',
    eventId: headers['event-id'] ?? eventIdOf(message.value),
    replayed,
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) decoded[name] = first.toString();
  }
  return decoded;
}

function eventIdOf(value: Buffer | null): string | undefined {
  try {
    const id = (JSON.parse(value?.toString() ?? '') as { eventId?: unknown }).eventId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
