import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { NotificationChannel } from '../generated/prisma/enums';
import { Channel, DeliveryReceipt, OutgoingMessage } from './channel';

export interface SimulatedSend {
  at: Date;
  message: OutgoingMessage;
}

/** What the simulators would have sent, newest last; bounded so a long run cannot grow without limit. */
export class SimulatedOutbox {
  private readonly entries: SimulatedSend[] = [];

  constructor(private readonly capacity = 1_000) {}

  record(message: OutgoingMessage): void {
    this.entries.push({ at: new Date(), message });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  sent(): readonly SimulatedSend[] {
    return this.entries;
  }
}

/**
 * Stands in for an e-mail, SMS or push provider: takes a provider call's time (`latencyMs`), then
 * records and logs what would be sent. Delivery cannot fail.
 */
export class SimulatedChannel implements Channel {
  private readonly logger: Logger;

  constructor(
    readonly name: Exclude<NotificationChannel, 'webhook'>,
    private readonly outbox: SimulatedOutbox,
    private readonly latencyMs = 0,
  ) {
    this.logger = new Logger(`${name[0].toUpperCase()}${name.slice(1)}Simulator`);
  }

  async deliver(message: OutgoingMessage): Promise<DeliveryReceipt> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    this.outbox.record(message);
    this.logger.debug({ notificationId: message.notificationId, recipient: message.recipient, subject: message.subject }, `would send ${this.name}`);
    return { attempts: 1 };
  }
}
