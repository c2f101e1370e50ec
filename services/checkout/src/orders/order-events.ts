import { buildEvent, EventMetadata, EventOf } from '@boxoffice/contracts';
import { OrderView } from './order';

/** Contract-checked events announcing an order's state changes; each throws if the order lacks what its contract needs. */
export function orderPlacedEvent(order: OrderView, meta: EventMetadata): EventOf<'checkout.order-placed.v1'> {
  return buildEvent(
    'checkout.order-placed.v1',
    {
      orderId: order.id,
      customer: order.customer,
      line: order.line,
      totalCents: order.totalCents,
      currency: order.currency,
      pricingStrategy: order.pricingStrategy,
    },
    { ...meta, occurredAt: order.createdAt },
  );
}

export function orderConfirmedEvent(order: OrderView, meta: EventMetadata): EventOf<'checkout.order-confirmed.v1'> {
  if (order.status !== 'confirmed' || !order.paymentReference || !order.confirmedAt) {
    throw new Error(`order ${order.id} is not confirmed with a payment reference`);
  }
  return buildEvent(
    'checkout.order-confirmed.v1',
    {
      orderId: order.id,
      customer: order.customer,
      line: order.line,
      totalCents: order.totalCents,
      currency: order.currency,
      paymentReference: order.paymentReference,
      confirmedAt: order.confirmedAt.toISOString(),
    },
    { ...meta, occurredAt: order.confirmedAt },
  );
}

export function orderFailedEvent(order: OrderView, meta: EventMetadata): EventOf<'checkout.order-failed.v1'> {
  if (order.status !== 'failed' || !order.failure || !order.failedAt) throw new Error(`order ${order.id} has not failed`);
  return buildEvent(
    'checkout.order-failed.v1',
    {
      orderId: order.id,
      customer: order.customer,
      line: order.line,
      reason: order.failure.reason,
      message: order.failure.message,
      failedAt: order.failedAt.toISOString(),
    },
    { ...meta, occurredAt: order.failedAt },
  );
}
