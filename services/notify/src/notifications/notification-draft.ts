import type { EventOf } from '@boxoffice/contracts';
import type { NotificationKind } from '../generated/prisma/enums';
import type { TemplateData } from '../templates/notification-templates';

/** The topics notify consumes, one notification kind each. */
export const consumedTopics = ['login.user-registered.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1'] as const;
export type ConsumedTopic = (typeof consumedTopics)[number];

export interface Audience {
  userId: string;
  email: string;
  displayName: string;
  plan: 'free' | 'premium';
  region: string;
}

/** What an event asks notify to say, and to whom, before a channel is chosen. */
export type Draft = { [K in NotificationKind]: { kind: K; audience: Audience; data: TemplateData[K] } }[NotificationKind];

const builders: { [T in ConsumedTopic]: (event: EventOf<T>) => Draft } = {
  'login.user-registered.v1': ({ payload }) => ({
    kind: 'welcome',
    audience: { userId: payload.userId, email: payload.email, displayName: payload.displayName, plan: payload.plan, region: payload.region },
    data: { displayName: payload.displayName, premium: payload.plan === 'premium' },
  }),
  'checkout.order-confirmed.v1': ({ payload }) => ({
    kind: 'ticket_confirmation',
    audience: payload.customer,
    data: {
      displayName: payload.customer.displayName,
      orderId: payload.orderId,
      eventName: payload.line.eventName,
      startsAt: payload.line.startsAt,
      tierName: payload.line.tierName,
      quantity: payload.line.quantity,
      totalCents: payload.totalCents,
      currency: payload.currency,
      paymentReference: payload.paymentReference,
    },
  }),
  'checkout.order-failed.v1': ({ payload }) => ({
    kind: 'payment_failed',
    audience: payload.customer,
    data: {
      displayName: payload.customer.displayName,
      orderId: payload.orderId,
      eventName: payload.line.eventName,
      tierName: payload.line.tierName,
      quantity: payload.line.quantity,
      reason: payload.reason,
      message: payload.message,
    },
  }),
};

export function draftFor<T extends ConsumedTopic>(topic: T, event: EventOf<T>): Draft {
  return (builders[topic] as (event: EventOf<T>) => Draft)(event);
}
