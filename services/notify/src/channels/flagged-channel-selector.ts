import { FlagsClient, flagRegistry } from '@boxoffice/flags';
import type { NotificationChannel } from '../generated/prisma/enums';
import { ChannelAudience, ChannelSelector } from './channel-selector';

/**
 * `notify-channel` (a variant by plan and region) picks the channel for the segments its rules
 * target. Everyone the flag leaves on its default variant (e-mail: no rule matched, the flag is
 * off, or flags cannot be read) gets NOTIFY_DEFAULT_CHANNEL, as before the flag. A channel this
 * instance cannot deliver through (webhook without WEBHOOK_URL) also falls back to it.
 */
export class FlaggedChannelSelector implements ChannelSelector {
  constructor(
    private readonly flags: FlagsClient,
    private readonly otherwise: NotificationChannel,
    private readonly deliverable: (channel: NotificationChannel) => boolean = () => true,
  ) {}

  for(audience: ChannelAudience): NotificationChannel {
    const channel = this.flags.notifyChannel({ userId: audience.userId, plan: audience.plan, region: audience.region });
    if (channel === flagRegistry['notify-channel'].default || !this.deliverable(channel)) return this.otherwise;
    return channel;
  }
}
