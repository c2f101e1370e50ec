import type { OrderFailureReason } from '@boxoffice/contracts';
import { problemTypeUri } from '@boxoffice/http';
import { OrderView } from './order';
import { OrderBody } from './order.dto';

/** A POST /orders answer, stored with its Idempotency-Key and replayed byte for byte. */
export interface OrderResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A failed payment is the provider's fault (5xx: a canary with a broken payment path fails its
 * analysis) unless the card was declined (402: the buyer's).
 */
const FAILURE_STATUS: Record<OrderFailureReason, { status: number; title: string }> = {
  'payment-declined': { status: 402, title: 'Payment declined' },
  'payment-error': { status: 502, title: 'Payment failed' },
  'payment-timeout': { status: 504, title: 'Payment timed out' },
};

export function orderBody(order: OrderView): OrderBody {
  return {
    id: order.id,
    status: order.status,
    line: order.line,
    totalCents: order.totalCents,
    currency: order.currency,
    pricingStrategy: order.pricingStrategy,
    paymentReference: order.paymentReference,
    failure: order.failure,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** The final answer to the POST that placed `order`: 201 with the order, or problem details with it. */
export function orderResponse(order: OrderView): OrderResponse {
  if (order.status === 'confirmed') return { status: 201, body: orderBody(order) };
  if (order.status === 'failed' && order.failure) {
    const { status, title } = FAILURE_STATUS[order.failure.reason];
    return {
      status,
      body: {
        type: problemTypeUri(order.failure.reason),
        title,
        status,
        detail: `${order.failure.message} The seats were released.`,
        instance: '/orders',
        orderId: order.id,
        order: orderBody(order),
      },
    };
  }
  throw new Error(`order ${order.id} is ${order.status}: it has no final response yet`);
}
