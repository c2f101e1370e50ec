import type { Principal } from '@boxoffice/auth';

/** How the payment simulator misbehaves for one charge. */
export interface PaymentFaults {
  latencyMs: number;
  /** Share of charges that fail with a provider error, 0..1. */
  failureRate: number;
}

/**
 * Where the simulator's faults come from. The seam a feature flag replaces later (a bad canary
 * version, or a slice of users): provide another implementation of this class in AppModule.
 */
export abstract class PaymentFaultSettings {
  abstract for(principal: Principal): PaymentFaults;
}

/** The same faults for everyone, from PAYMENT_LATENCY_MS and PAYMENT_FAILURE_RATE. */
export class ConfiguredPaymentFaultSettings extends PaymentFaultSettings {
  constructor(private readonly faults: PaymentFaults) {
    super();
  }

  for(_principal: Principal): PaymentFaults {
    return this.faults;
  }
}
