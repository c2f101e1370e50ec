import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

/** The topics login and checkout publish through their outboxes. */
export const OUTBOX_TOPICS = ['login.user-registered.v1', 'checkout.order-placed.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1'] as const;
/** The topics notify turns into one notification per event. */
export const NOTIFIED_TOPICS = new Set(['login.user-registered.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1']);

export interface OutboxRow {
  id: string;
  topic: string;
  createdAt: Date;
  published: boolean;
}

export interface Databases {
  login: string;
  checkout: string;
  notify: string;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** What the databases say: every outbox row, every order's status, every notification's source event. */
export class Ledger {
  constructor(private readonly databases: Databases) {}

  async outboxRows(): Promise<OutboxRow[]> {
    const sql = 'SELECT id, topic, created_at AS "createdAt", published_at IS NOT NULL AS published FROM outbox_event';
    const [login, checkout] = await Promise.all([query<OutboxRow>(this.databases.login, sql), query<OutboxRow>(this.databases.checkout, sql)]);
    return [...login, ...checkout];
  }

  async orders(): Promise<Array<{ id: string; status: string; createdAt: Date }>> {
    return query(this.databases.checkout, 'SELECT id, status::text AS status, created_at AS "createdAt" FROM ticket_order');
  }

  async notifiedEventIds(): Promise<Map<string, number>> {
    const rows = await query<{ id: string; n: string }>(this.databases.notify, 'SELECT source_event_id AS id, count(*) AS n FROM notification GROUP BY 1');
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }

  /**
   * Caught up: every outbox row published, and every event notify consumes has its notification.
   * Returns what is still missing (0 and 0 when caught up).
   */
  async lagging(): Promise<{ unpublished: number; unnotified: number }> {
    const [rows, notified] = await Promise.all([this.outboxRows(), this.notifiedEventIds()]);
    return {
      unpublished: rows.filter((r) => !r.published).length,
      unnotified: rows.filter((r) => NOTIFIED_TOPICS.has(r.topic) && !notified.has(r.id)).length,
    };
  }
}

/**
 * Reads back what reached Kafka since the run started: a consumer group committed at the topics'
 * ends before any service ran, so it sees exactly this run's messages. Counts copies per event id.
 */
export class KafkaTally {
  private readonly kafka: Kafka;

  constructor(
    brokers: string[],
    private readonly groupId: string,
  ) {
    this.kafka = new Kafka({ clientId: 'fault-tally', brokers, logLevel: logLevel.NOTHING });
  }

  private readonly starts = new Map<string, bigint>();

  /**
   * Call before any service runs: this tally's group, and `others` (notify's), start at the topics'
   * current ends. One admin connection for all of it.
   */
  async begin(others: Array<{ groupId: string; topics: readonly string[] }> = []): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await this.ends(admin);
      // One after the other (concurrent setOffsets on one admin client hung): each call can wait
      // seconds for a new group's coordinator.
      for (const { groupId, topics } of [{ groupId: this.groupId, topics: OUTBOX_TOPICS }, ...others]) {
        for (const topic of topics) {
          const partitions = [...ends].filter(([tp]) => tp.startsWith(`${topic}/`)).map(([tp, high]) => ({ partition: Number(tp.split('/')[1]), offset: String(high) }));
          await admin.setOffsets({ groupId, topic, partitions });
        }
      }
      for (const [tp, high] of ends) this.starts.set(tp, high);
    } finally {
      await admin.disconnect();
    }
  }

  private async ends(admin: Admin): Promise<Map<string, bigint>> {
    const ends = new Map<string, bigint>();
    const offsets = await Promise.all(OUTBOX_TOPICS.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const));
    for (const [topic, partitions] of offsets) for (const { partition, high } of partitions) ends.set(`${topic}/${partition}`, BigInt(high));
    return ends;
  }

  async copiesPerEvent(timeoutMs = 60_000): Promise<Map<string, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await this.ends(admin).finally(() => admin.disconnect());
    const copies = new Map<string, number>();
    const reached = new Map<string, bigint>();
    const consumer = this.kafka.consumer({ groupId: this.groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...OUTBOX_TOPICS] });
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const caughtUp = () => [...ends].every(([tp, high]) => high <= (this.starts.get(tp) ?? 0n) || (reached.get(tp) ?? -1n) + 1n >= high);
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const id = message.headers?.['event-id']?.toString() ?? `unidentified:${topic}/${partition}/${message.offset}`;
          copies.set(id, (copies.get(id) ?? 0) + 1);
          reached.set(`${topic}/${partition}`, BigInt(message.offset));
          if (caughtUp()) done();
        },
      });
      if (!caughtUp()) {
        await Promise.race([
          finished,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`reading back this run's messages took over ${timeoutMs} ms`)), timeoutMs)),
        ]);
      }
    } finally {
      await consumer.disconnect();
    }
    return copies;
  }
}
