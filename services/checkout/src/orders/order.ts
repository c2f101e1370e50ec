import type { Customer, OrderFailureReason, OrderLine } from '@boxoffice/contracts';
import type { OrderStatus } from './order-state';

export interface OrderFailure {
  reason: OrderFailureReason;
  message: string;
}

/** An order as the service works with it: the row plus what was bought (event and tier names). */
export interface OrderView {
  id: string;
  userId: string;
  status: OrderStatus;
  customer: Customer;
  line: OrderLine;
  totalCents: number;
  currency: string;
  pricingStrategy: string;
  paymentReference: string | null;
  failure: OrderFailure | null;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt: Date | null;
  failedAt: Date | null;
}
