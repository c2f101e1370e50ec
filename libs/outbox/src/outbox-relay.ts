import { Logger } from '@nestjs/common';
import type { Message, TopicMessages } from 'kafkajs';
import { Pool, PoolClient } from 'pg';
import { assertEvent, isTopic } from '@boxoffice/contracts';

/** What the relay needs from Kafka: one acknowledged batch send (acks=all). */
export interface BatchSender {
  sendBatch(batch: { topicMessages: TopicMessages[]; acks: number }): Promise<unknown>;
}

export interface OutboxRelayOptions {
  /** Rows per Kafka batch. */
  batchSize?: number;
  /** How often an idle relay looks for new rows (a local write also nudges it at once). */
  pollIntervalMs?: number;
  /** Backoff after a failed publish doubles from this up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Published rows are deleted after this long. */
  retentionMs?: number;
  /** Advisory-lock key: one relay per database publishes, which keeps per-key order across replicas. */
  lockKey?: number;
}

export interface OutboxStats {
  leader: boolean;
  backlog: number;
  published: number;
  failedAttempts: number;
  lastError?: string;
  lastPublishedAt?: Date;
}

interface Row {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

const DEFAULTS = {
  batchSize: 200,
  pollIntervalMs: 200,
  minBackoffMs: 100,
  maxBackoffMs: 5_000,
  retentionMs: 24 * 3600_000,
  lockKey: 0x0b0c5, // "box office"
};

/**
 * The relay's own small pool. A database restart ends its idle connections; node-postgres then
 * emits 'error' on the pool, which would end the process without a listener. The next query
 * simply opens a new connection.
 */
export function createOutboxPool(databaseUrl: string): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 3, connectionTimeoutMillis: 3_000 });
  const logger = new Logger('OutboxPool');
  pool.on('error', (error) => logger.warn(`idle outbox connection lost (${error.message}); the next query reconnects`));
  return pool;
}

/**
 * Publishes `outbox_event` rows to Kafka oldest first, at least once, and stamps them published
 * only after the broker's acknowledgement. While Kafka is down rows accumulate (the backlog) and
 * the relay retries with backoff; when it returns the backlog drains in the original order.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly options: Required<OutboxRelayOptions>;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private interrupt?: () => void;
  private lockClient?: PoolClient;
  private backoffMs: number;
  private lastCleanup = 0;
  /** Rows the broker acknowledged but the database has not stamped yet (it was away at that moment). */
  private unstamped: string[] = [];
  private readonly stats: OutboxStats = { leader: false, backlog: 0, published: 0, failedAttempts: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly sender: () => BatchSender,
    options: OutboxRelayOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.backoffMs = this.options.minBackoffMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interrupt?.();
    await this.loop;
    if (this.unstamped.length > 0) await this.stamp(this.unstamped).catch(() => undefined);
    await this.releaseLock();
  }

  /** Call after committing a transaction that wrote outbox rows: publishes without waiting for the poll. */
  nudge(): void {
    this.wake?.();
  }

  /** Unpublished rows right now (a gauge for metrics and /health). */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) AS count FROM outbox_event WHERE published_at IS NULL');
    this.stats.backlog = Number(rows[0].count);
    return this.stats.backlog;
  }

  snapshot(): OutboxStats {
    return { ...this.stats };
  }

  /** Publishes one batch if this relay is the leader; returns how many rows it published. */
  async publishOnce(): Promise<number> {
    // First stamp what Kafka already has: selecting those rows again would publish them twice.
    if (this.unstamped.length > 0) {
      await this.stamp(this.unstamped);
      this.unstamped = [];
    }
    if (!(await this.ensureLeader())) return 0;
    const { rows } = await this.pool.query<Row>(
      'SELECT id, topic, key, payload, headers FROM outbox_event WHERE published_at IS NULL ORDER BY seq LIMIT $1',
      [this.options.batchSize],
    );
    if (rows.length === 0) return 0;
    try {
      await this.sender().sendBatch({ topicMessages: toTopicMessages(rows), acks: -1 });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.stats.failedAttempts += 1;
      this.stats.lastError = reason;
      await this.pool
        .query('UPDATE outbox_event SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id), reason.slice(0, 500)])
        .catch(() => undefined);
      throw error;
    }
    this.unstamped = rows.map((r) => r.id);
    this.stats.published += rows.length;
    await this.stamp(this.unstamped);
    this.unstamped = [];
    this.stats.lastPublishedAt = new Date();
    this.stats.lastError = undefined;
    return rows.length;
  }

  private async stamp(ids: string[]): Promise<void> {
    await this.pool.query('UPDATE outbox_event SET published_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])', [ids]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishOnce();
        this.backoffMs = this.options.minBackoffMs;
        await this.cleanup();
      } catch (error) {
        this.logger.warn(`outbox publish failed, retrying in ${this.backoffMs} ms: ${error instanceof Error ? error.message : String(error)}`);
        // Not cut short by nudges: while Kafka is down, every order would otherwise retry at once.
        await this.sleep(this.backoffMs, { nudgeable: false });
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
        continue;
      }
      if (published < this.options.batchSize) await this.sleep(this.options.pollIntervalMs);
    }
  }

  /** Session-level advisory lock on a dedicated connection: held as long as that connection lives. */
  private async ensureLeader(): Promise<boolean> {
    if (this.lockClient) return true;
    const client = await this.pool.connect();
    // Checked out, the connection reports its end (a database restart) as an 'error' event on the
    // client: unheard, it would end the process; heard, the lock is dropped and taken again later.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.options.lockKey]);
      if (rows[0].locked && !broken) {
        client.off('error', onError);
        client.on('error', () => this.dropLock(client));
        this.lockClient = client;
        this.stats.leader = true;
        return true;
      }
    } catch (error) {
      broken ??= error as Error; // not leader this round
    }
    client.off('error', onError);
    client.release(broken);
    return false;
  }

  private dropLock(client: PoolClient): void {
    if (this.lockClient !== client) return;
    this.lockClient = undefined;
    this.stats.leader = false;
    client.release(true);
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    if (!client) return;
    this.lockClient = undefined;
    this.stats.leader = false;
    await client.query('SELECT pg_advisory_unlock($1)', [this.options.lockKey]).catch(() => undefined);
    client.release();
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.pool.query(`DELETE FROM outbox_event WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [this.options.retentionMs]);
  }

  /** Waits `ms`; stop() always ends the wait early, nudge() only when `nudgeable`. */
  private sleep(ms: number, { nudgeable = true } = {}): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = nudgeable ? done : undefined;
      this.interrupt = done;
    });
  }
}

/** Groups rows by topic keeping their order: Kafka keeps per-partition order within one request. */
export function toTopicMessages(rows: Row[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    if (!isTopic(row.topic)) throw new Error(`outbox row ${row.id} names unknown topic ${row.topic}`);
    const event = assertEvent(row.topic, row.payload);
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.key, value: JSON.stringify(event), headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
