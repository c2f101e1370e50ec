/** Where an order can go from each state: pending is the only state that moves. */
export const ORDER_TRANSITIONS = {
  pending: ['confirmed', 'failed', 'cancelled'],
  confirmed: [],
  failed: [],
  cancelled: [],
} as const satisfies Record<string, readonly string[]>;

export type OrderStatus = keyof typeof ORDER_TRANSITIONS;
export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];

export class IllegalTransitionError extends Error {
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus | 'missing',
    readonly to: OrderStatus,
  ) {
    super(`order ${orderId}: cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from] as readonly OrderStatus[]).includes(to);
}

/** The states an order may be in for `to` to be legal: the guard of the conditional UPDATE. */
export function statesLeadingTo(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}
