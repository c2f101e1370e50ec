import { randomUUID } from 'node:crypto';
import { buildEvent, EventOf } from '@boxoffice/contracts';

const producer = { service: 'notify-test', version: 'test' };

export function customer(overrides: Partial<EventOf<'checkout.order-confirmed.v1'>['payload']['customer']> = {}) {
  return { userId: randomUUID(), email: 'ada@example.com', displayName: 'Ada Lovelace', plan: 'free' as const, region: 'eu', ...overrides };
}

const line = () => ({
  eventId: randomUUID(),
  eventName: 'The Analytical Engine Live',
  startsAt: '2027-03-14T19:30:00.000Z',
  tierId: randomUUID(),
  tierName: 'Balcony',
  quantity: 2,
  unitPriceCents: 4_250,
});

export function userRegistered(overrides: Partial<EventOf<'login.user-registered.v1'>['payload']> = {}): EventOf<'login.user-registered.v1'> {
  return buildEvent(
    'login.user-registered.v1',
    { userId: randomUUID(), email: 'grace@example.com', displayName: 'Grace Hopper', plan: 'premium', region: 'us-east', registeredAt: new Date().toISOString(), ...overrides },
    { producer },
  );
}

export function orderConfirmed(who = customer(), orderId: string = randomUUID()): EventOf<'checkout.order-confirmed.v1'> {
  return buildEvent(
    'checkout.order-confirmed.v1',
    { orderId, customer: who, line: line(), totalCents: 8_500, currency: 'EUR', paymentReference: 'pay_123', confirmedAt: new Date().toISOString() },
    { producer },
  );
}

export function orderFailed(who = customer()): EventOf<'checkout.order-failed.v1'> {
  return buildEvent(
    'checkout.order-failed.v1',
    { orderId: randomUUID(), customer: who, line: line(), reason: 'payment-declined', message: 'Card declined by issuer.', failedAt: new Date().toISOString() },
    { producer },
  );
}
