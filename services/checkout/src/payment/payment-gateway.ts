import type { Principal } from '@boxoffice/auth';
import type { OrderFailureReason } from '@boxoffice/contracts';

export interface ChargeRequest {
  /** Also the charge's idempotency reference at the provider. */
  orderId: string;
  payer: Principal;
  amountCents: number;
  currency: string;
}

export type ChargeResult = { ok: true; reference: string } | { ok: false; reason: OrderFailureReason; message: string };

/** Takes the buyer's money. The simulator implements it today; a real provider would later. */
export abstract class PaymentGateway {
  /** Resolves with the outcome; may throw on provider failures, and should stop when `signal` aborts. */
  abstract charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult>;
  /** Gives back a charge whose order could not be confirmed after all. */
  abstract refund(reference: string): Promise<void>;
}
