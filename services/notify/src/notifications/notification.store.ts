import { Injectable } from '@nestjs/common';
import type { Notification } from '../generated/prisma/client';
import type { NotificationChannel, NotificationKind } from '../generated/prisma/enums';
import { PrismaService } from '../database/prisma.service';
import { MessageSource } from '../inbox/message-source';

export interface NewNotification {
  id: string;
  sourceEventId: string;
  sourceTopic: string;
  kind: NotificationKind;
  userId: string;
  channel: NotificationChannel;
  recipient: string;
  subject: string;
  body: string;
}

export interface NotificationPage {
  items: Notification[];
  /** Pass as `cursor` to get the next, older page; absent on the last page. */
  nextCursor?: string;
}

/** All notify's reads and writes of notifications. */
@Injectable()
export class NotificationStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores the notification and marks its event processed, atomically. A redelivered event
   * (same id) inserts nothing and gets the stored notification back.
   *
   * One statement (two INSERTs in a CTE) is one implicit transaction and one round trip; the
   * Prisma equivalent (a batch transaction of two createMany) takes four and was the consumer's
   * bottleneck (see bench/drain-rate.ts).
   */
  async recordOnce(notification: NewNotification, source: MessageSource): Promise<{ notification: Notification; created: boolean }> {
    const n = notification;
    const inserted = await this.prisma.$queryRaw<NotificationRow[]>`
      WITH processed AS (
        INSERT INTO processed_event (event_id, topic, partition, "offset")
        VALUES (${n.sourceEventId}::uuid, ${source.topic}, ${source.partition}, ${BigInt(source.offset)})
        ON CONFLICT (event_id) DO NOTHING
      )
      INSERT INTO notification (id, source_event_id, source_topic, kind, user_id, channel, recipient, subject, body)
      VALUES (${n.id}::uuid, ${n.sourceEventId}::uuid, ${n.sourceTopic}, ${n.kind}::"NotificationKind", ${n.userId}::uuid,
              ${n.channel}::"NotificationChannel", ${n.recipient}, ${n.subject}, ${n.body})
      ON CONFLICT (source_event_id) DO NOTHING
      RETURNING *`;
    if (inserted.length === 1) return { notification: fromRow(inserted[0]), created: true };
    const stored = await this.prisma.notification.findUniqueOrThrow({ where: { sourceEventId: n.sourceEventId } });
    return { notification: stored, created: false };
  }

  async markDelivered(id: string, attempts: number): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id },
      data: { status: 'delivered', deliveredAt: new Date(), attempts: { increment: attempts }, lastError: null },
    });
  }

  async markFailed(id: string, attempts: number, reason: string): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id },
      data: { status: 'failed', attempts: { increment: attempts }, lastError: reason.slice(0, 1_000) },
    });
  }

  /** A user's notifications, newest first, keyset-paginated by id. */
  async listForUser(userId: string, page: { limit: number; cursor?: string }): Promise<NotificationPage> {
    const rows = await this.prisma.notification.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
    });
    const items = rows.slice(0, page.limit);
    return rows.length > page.limit ? { items, nextCursor: items[items.length - 1].id } : { items };
  }
}

interface NotificationRow {
  id: string;
  source_event_id: string;
  source_topic: string;
  kind: Notification['kind'];
  user_id: string;
  channel: Notification['channel'];
  recipient: string;
  subject: string;
  body: string;
  status: Notification['status'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

function fromRow(row: NotificationRow): Notification {
  return {
    id: row.id,
    sourceEventId: row.source_event_id,
    sourceTopic: row.source_topic,
    kind: row.kind,
    userId: row.user_id,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}
