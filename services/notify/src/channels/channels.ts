import type { NotificationChannel } from '../generated/prisma/enums';
import { Channel } from './channel';
import { SimulatedChannel, SimulatedOutbox } from './simulated-channel';
import { WebhookChannel, WebhookOptions } from './webhook-channel';

/** Every channel by name; a stored notification is always redelivered through the channel it was created for. */
export class Channels {
  private readonly byName: Record<NotificationChannel, Channel>;

  constructor(outbox: SimulatedOutbox, simulatedLatencyMs: number, webhook: WebhookOptions) {
    this.byName = {
      email: new SimulatedChannel('email', outbox, simulatedLatencyMs),
      sms: new SimulatedChannel('sms', outbox, simulatedLatencyMs),
      push: new SimulatedChannel('push', outbox, simulatedLatencyMs),
      webhook: new WebhookChannel(webhook),
    };
  }

  get(name: NotificationChannel): Channel {
    return this.byName[name];
  }
}
