import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventOf } from '@boxoffice/contracts';
import type { Notification } from '../generated/prisma/client';
import type { NotificationChannel } from '../generated/prisma/enums';
import { DeliveryContext, DeliveryFailedError, OutgoingMessage } from '../channels/channel';
import { CHANNEL_SELECTOR, ChannelSelector } from '../channels/channel-selector';
import { Channels } from '../channels/channels';
import { MessageSource } from '../inbox/message-source';
import { NotificationTemplates } from '../templates/notification-templates';
import { Audience, ConsumedTopic, draftFor } from './notification-draft';
import { NewNotification, NotificationStore } from './notification.store';

/** notified: first delivery; redelivered: a stored but undelivered notification (crash, replayed dead letter) went out now; duplicate: already delivered, nothing done. */
export type NotificationOutcome = 'notified' | 'redelivered' | 'duplicate';

/**
 * Turns one event into one notification: store it (pending) with the processed event, deliver it
 * through its channel, then mark it delivered. A delivery that fails for good marks it failed and
 * rethrows, so the inbox dead-letters the event; replaying it delivers the same notification.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly store: NotificationStore,
    private readonly templates: NotificationTemplates,
    private readonly channels: Channels,
    @Inject(CHANNEL_SELECTOR) private readonly selector: ChannelSelector,
  ) {}

  async handle<T extends ConsumedTopic>(topic: T, event: EventOf<T>, source: MessageSource, context: DeliveryContext): Promise<NotificationOutcome> {
    const { notification, created } = await this.store.recordOnce(this.compose(topic, event), source);
    if (notification.status === 'delivered') return 'duplicate';
    await this.deliver(notification, context);
    return created ? 'notified' : 'redelivered';
  }

  private compose<T extends ConsumedTopic>(topic: T, event: EventOf<T>): NewNotification {
    const draft = draftFor(topic, event);
    const channel = this.selector.for({ userId: draft.audience.userId, plan: draft.audience.plan, region: draft.audience.region, kind: draft.kind });
    const { subject, body } = this.templates.render(draft.kind, draft.data, channel);
    return {
      id: randomUUID(),
      sourceEventId: event.eventId,
      sourceTopic: topic,
      kind: draft.kind,
      userId: draft.audience.userId,
      channel,
      recipient: recipientFor(channel, draft.audience),
      subject,
      body,
    };
  }

  private async deliver(notification: Notification, context: DeliveryContext): Promise<void> {
    try {
      const receipt = await this.channels.get(notification.channel).deliver(toOutgoing(notification), context);
      await this.store.markDelivered(notification.id, receipt.attempts);
    } catch (error) {
      if (error instanceof DeliveryFailedError) await this.store.markFailed(notification.id, error.attempts, error.reason);
      throw error;
    }
  }
}

/** E-mail goes to the address in the event; sms, push and webhook address the user (numbers and devices live with the provider). */
function recipientFor(channel: NotificationChannel, audience: Audience): string {
  return channel === 'email' ? audience.email : `user:${audience.userId}`;
}

function toOutgoing(n: Notification): OutgoingMessage {
  return {
    notificationId: n.id,
    sourceEventId: n.sourceEventId,
    kind: n.kind,
    channel: n.channel,
    userId: n.userId,
    recipient: n.recipient,
    subject: n.subject,
    body: n.body,
  };
}
