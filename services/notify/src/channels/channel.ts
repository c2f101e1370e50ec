import type { NotificationChannel, NotificationKind } from '../generated/prisma/enums';

/** A stored notification as a channel sends it. */
export interface OutgoingMessage {
  /** Stable across redeliveries: receivers use it to drop a repeated delivery (Idempotency-Key). */
  notificationId: string;
  sourceEventId: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  userId: string;
  recipient: string;
  subject: string;
  body: string;
}

export interface DeliveryContext {
  /** Keeps the consumer's group membership alive while a delivery waits between retries. */
  heartbeat(): Promise<void>;
}

export interface DeliveryReceipt {
  /** Attempts this delivery took, the successful one included. */
  attempts: number;
}

export interface Channel {
  readonly name: NotificationChannel;
  deliver(message: OutgoingMessage, context: DeliveryContext): Promise<DeliveryReceipt>;
}

/** The channel gave up on a message (after its retries, or at once for a permanent refusal). */
export class DeliveryFailedError extends Error {
  constructor(
    readonly channel: NotificationChannel,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`${channel} delivery failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);
    this.name = 'DeliveryFailedError';
  }
}
