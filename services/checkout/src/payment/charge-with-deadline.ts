import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import { ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';

/**
 * Charges with a deadline and turns every way a charge can go wrong into a ChargeResult, so the
 * order flow always reaches a final state: a slow provider becomes `payment-timeout`, a thrown
 * error `payment-error`.
 */
export async function chargeWithDeadline(gateway: PaymentGateway, request: ChargeRequest, deadlineMs: number): Promise<ChargeResult> {
  const policy = timeout(deadlineMs, TimeoutStrategy.Aggressive);
  try {
    return await policy.execute((_context, signal) => gateway.charge(request, signal));
  } catch (error) {
    if (error instanceof TaskCancelledError) {
      return { ok: false, reason: 'payment-timeout', message: `The payment provider did not answer within ${deadlineMs} ms; no money was taken.` };
    }
    return { ok: false, reason: 'payment-error', message: 'The payment provider could not be reached; no money was taken.' };
  }
}
