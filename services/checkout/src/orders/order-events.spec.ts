import { randomUUID } from 'node:crypto';
import { parseEvent } from '@boxoffice/contracts';
import { OrderView } from './order';
import { orderConfirmedEvent, orderFailedEvent, orderPlacedEvent } from './order-events';
import { orderResponse } from './order-responses';

const meta = { producer: { service: 'checkout', version: '1.2.3' } };
const created = new Date('2026-11-23T10:00:00.000Z');

function pendingOrder(): OrderView {
  return {
    id: randomUUID(),
    userId: '6f1c1c9e-3a55-4b5e-8d0e-2f1b8f0c9a11',
    status: 'pending',
    customer: { userId: '6f1c1c9e-3a55-4b5e-8d0e-2f1b8f0c9a11', email: 'ada@example.com', displayName: 'Ada', plan: 'free', region: 'eu' },
    line: {
      eventId: randomUUID(),
      eventName: 'Aurora Nights',
      startsAt: '2027-03-12T19:30:00.000Z',
      tierId: randomUUID(),
      tierName: 'VIP',
      quantity: 2,
      unitPriceCents: 18_000,
    },
    totalCents: 36_000,
    currency: 'EUR',
    pricingStrategy: 'standard',
    paymentReference: null,
    failure: null,
    createdAt: created,
    updatedAt: created,
    confirmedAt: null,
    failedAt: null,
  };
}

describe('order events', () => {
  it('announces a placed order with the customer, line and price, keyed by order id', () => {
    const order = pendingOrder();
    const event = orderPlacedEvent(order, meta);
    expect(parseEvent('checkout.order-placed.v1', JSON.stringify(event))).toEqual({ ok: true, event });
    expect(event).toMatchObject({ occurredAt: created.toISOString(), producer: meta.producer, payload: { orderId: order.id, customer: order.customer, totalCents: 36_000, pricingStrategy: 'standard' } });
  });

  it('announces a confirmation with the payment reference', () => {
    const confirmedAt = new Date('2026-11-23T10:00:01.000Z');
    const order: OrderView = { ...pendingOrder(), status: 'confirmed', paymentReference: 'sim_1', confirmedAt };
    const event = orderConfirmedEvent(order, meta);
    expect(parseEvent('checkout.order-confirmed.v1', event).ok).toBe(true);
    expect(event.payload).toMatchObject({ paymentReference: 'sim_1', confirmedAt: confirmedAt.toISOString() });
  });

  it('announces a failure with its reason', () => {
    const order: OrderView = { ...pendingOrder(), status: 'failed', failure: { reason: 'payment-error', message: 'provider error' }, failedAt: new Date() };
    expect(orderFailedEvent(order, meta).payload).toMatchObject({ reason: 'payment-error', message: 'provider error' });
  });

  it('refuses to announce a state the order is not in', () => {
    expect(() => orderConfirmedEvent(pendingOrder(), meta)).toThrow(/not confirmed/);
    expect(() => orderFailedEvent(pendingOrder(), meta)).toThrow(/has not failed/);
  });
});

describe('order responses', () => {
  it('answers a confirmed order with 201 and the order', () => {
    const order: OrderView = { ...pendingOrder(), status: 'confirmed', paymentReference: 'sim_1', confirmedAt: created };
    expect(orderResponse(order)).toMatchObject({ status: 201, body: { id: order.id, status: 'confirmed', paymentReference: 'sim_1', failure: null } });
  });

  it.each([
    ['payment-declined', 402],
    ['payment-error', 502],
    ['payment-timeout', 504],
  ] as const)('answers a %s failure with %i problem details naming the order', (reason, status) => {
    const order: OrderView = { ...pendingOrder(), status: 'failed', failure: { reason, message: 'No money was taken.' }, failedAt: created };
    expect(orderResponse(order)).toEqual({
      status,
      body: expect.objectContaining({
        type: `https://boxoffice.dev/problems/${reason}`,
        status,
        detail: 'No money was taken. The seats were released.',
        orderId: order.id,
        order: expect.objectContaining({ status: 'failed' }),
      }),
    });
  });

  it('has no final response for a pending order', () => {
    expect(() => orderResponse(pendingOrder())).toThrow(/pending/);
  });
});
