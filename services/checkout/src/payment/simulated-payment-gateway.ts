import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';
import { PaymentFaultSettings } from './payment-fault-settings';

/**
 * A payment provider stand-in whose latency and failure rate come from PaymentFaultSettings, so
 * a slow or failing version can be shown in a canary. Approves every other charge.
 */
export class SimulatedPaymentGateway extends PaymentGateway {
  private readonly logger = new Logger(SimulatedPaymentGateway.name);

  constructor(
    private readonly faults: PaymentFaultSettings,
    private readonly random: () => number = Math.random,
  ) {
    super();
  }

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult> {
    const { latencyMs, failureRate } = this.faults.for(request.payer);
    if (latencyMs > 0) await sleep(latencyMs, undefined, { signal });
    if (this.random() < failureRate) {
      return { ok: false, reason: 'payment-error', message: 'The payment provider reported an error; no money was taken.' };
    }
    return { ok: true, reference: `sim_${randomUUID()}` };
  }

  async refund(reference: string): Promise<void> {
    this.logger.warn(`refunded simulated charge ${reference}`);
  }
}
