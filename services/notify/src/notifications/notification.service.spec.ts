import type { Notification } from '../generated/prisma/client';
import { Channel, DeliveryFailedError, OutgoingMessage } from '../channels/channel';
import { ConfiguredChannelSelector } from '../channels/channel-selector';
import { Channels } from '../channels/channels';
import { SimulatedChannel, SimulatedOutbox } from '../channels/simulated-channel';
import { MessageSource } from '../inbox/message-source';
import { NotificationTemplates } from '../templates/notification-templates';
import { orderConfirmed, userRegistered } from '../testing/events';
import { NotificationService } from './notification.service';
import { NewNotification, NotificationStore } from './notification.store';

/** The store's contract in memory: one row per source event id. */
class InMemoryStore {
  readonly rows = new Map<string, Notification>();

  async recordOnce(n: NewNotification) {
    const existing = this.rows.get(n.sourceEventId);
    if (existing) return { notification: { ...existing }, created: false };
    const row: Notification = { ...n, status: 'pending', attempts: 0, lastError: null, createdAt: new Date(), deliveredAt: null };
    this.rows.set(n.sourceEventId, row);
    return { notification: { ...row }, created: true };
  }

  private byId(id: string): Notification {
    return [...this.rows.values()].find((r) => r.id === id)!;
  }

  async markDelivered(id: string, attempts: number) {
    Object.assign(this.byId(id), { status: 'delivered', deliveredAt: new Date(), attempts: this.byId(id).attempts + attempts, lastError: null });
  }

  async markFailed(id: string, attempts: number, reason: string) {
    Object.assign(this.byId(id), { status: 'failed', attempts: this.byId(id).attempts + attempts, lastError: reason });
  }
}

const source: MessageSource = { topic: 'checkout.order-confirmed.v1', partition: 0, offset: '7' };
const context = { heartbeat: async () => undefined };

function setup(channel: 'email' | 'webhook' = 'email') {
  const store = new InMemoryStore();
  const outbox = new SimulatedOutbox();
  const email = new SimulatedChannel('email', outbox);
  const webhook = { name: 'webhook' as const, deliver: jest.fn<ReturnType<Channel['deliver']>, [OutgoingMessage]>() };
  const channels = { get: (name: string) => (name === 'webhook' ? webhook : email) } as unknown as Channels;
  const service = new NotificationService(store as unknown as NotificationStore, new NotificationTemplates(), channels, new ConfiguredChannelSelector(channel));
  return { service, store, outbox, webhook };
}

describe('NotificationService', () => {
  it('stores one notification per event, renders it for the chosen channel and delivers it', async () => {
    const { service, store, outbox } = setup('email');
    const event = orderConfirmed();
    await expect(service.handle('checkout.order-confirmed.v1', event, source, context)).resolves.toBe('notified');
    const row = store.rows.get(event.eventId)!;
    expect(row).toMatchObject({ kind: 'ticket_confirmation', channel: 'email', recipient: event.payload.customer.email, status: 'delivered', attempts: 1 });
    expect(row.subject).toBe('Your tickets for The Analytical Engine Live');
    expect(outbox.sent().map((s) => s.message.notificationId)).toEqual([row.id]);
  });

  it('does nothing for a redelivered event whose notification was delivered', async () => {
    const { service, store, outbox } = setup('email');
    const event = userRegistered();
    await service.handle('login.user-registered.v1', event, source, context);
    await expect(service.handle('login.user-registered.v1', event, source, context)).resolves.toBe('duplicate');
    expect(store.rows.size).toBe(1);
    expect(outbox.sent()).toHaveLength(1);
  });

  it('marks a notification failed when its delivery gives up, and delivers the same notification when the event comes back', async () => {
    const { service, store, webhook } = setup('webhook');
    const event = orderConfirmed();
    webhook.deliver.mockRejectedValueOnce(new DeliveryFailedError('webhook', 'receiver answered 503', 4));
    await expect(service.handle('checkout.order-confirmed.v1', event, source, context)).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(store.rows.get(event.eventId)).toMatchObject({ status: 'failed', attempts: 4, lastError: 'receiver answered 503' });

    webhook.deliver.mockResolvedValueOnce({ attempts: 1 });
    await expect(service.handle('checkout.order-confirmed.v1', event, source, context)).resolves.toBe('redelivered');
    expect(store.rows.get(event.eventId)).toMatchObject({ status: 'delivered', attempts: 5 });
    const [first, second] = webhook.deliver.mock.calls.map(([m]) => m.notificationId);
    expect(second).toBe(first);
  });
});
