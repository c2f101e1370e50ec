import type { NotificationChannel, NotificationKind } from '../generated/prisma/enums';

/** Who a notification is for, as far as choosing its channel goes (the flag's evaluation context). */
export interface ChannelAudience {
  userId: string;
  plan: 'free' | 'premium';
  region: string;
  kind: NotificationKind;
}

/**
 * Chooses the channel of a new notification. Today one channel from configuration; the
 * `notify-channel` flag (a variant by plan and region) replaces it by providing another
 * implementation under CHANNEL_SELECTOR.
 */
export interface ChannelSelector {
  for(audience: ChannelAudience): NotificationChannel;
}

export const CHANNEL_SELECTOR = Symbol('CHANNEL_SELECTOR');

export class ConfiguredChannelSelector implements ChannelSelector {
  constructor(private readonly channel: NotificationChannel) {}

  for(): NotificationChannel {
    return this.channel;
  }
}
