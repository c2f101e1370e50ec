import type { Principal } from '@boxoffice/auth';
import { FlagsClient } from '@boxoffice/flags';
import { flagContextOf } from '../flags/flag-context';
import { PaymentFaults, PaymentFaultSettings } from './payment-fault-settings';

/**
 * Demo fault injection from flags, on top of the configured simulator: the configured faults are
 * the floor. `checkout-added-latency-ms` adds to PAYMENT_LATENCY_MS (it is an added delay), and
 * `checkout-payment-failure-rate` can raise PAYMENT_FAILURE_RATE but never lower it, so a flag
 * answering its default (0) leaves the configured behaviour exactly as it was.
 */
export class FlaggedPaymentFaultSettings extends PaymentFaultSettings {
  constructor(
    private readonly flags: FlagsClient,
    private readonly configured: PaymentFaults,
  ) {
    super();
  }

  for(principal: Principal): PaymentFaults {
    const context = flagContextOf(principal);
    return {
      latencyMs: this.configured.latencyMs + this.flags.addedLatencyMs(context),
      failureRate: Math.max(this.configured.failureRate, this.flags.paymentFailureRate(context)),
    };
  }
}
