import { Injectable } from '@nestjs/common';
import type { Principal } from '@boxoffice/auth';
import { FlagsClient } from '@boxoffice/flags';
import { ProblemException } from '@boxoffice/http';
import { flagContextOf } from '../flags/flag-context';

/** Seconds a client is asked to wait: an operator's pause usually lasts minutes, not milliseconds. */
export const PAUSED_RETRY_AFTER_SECONDS = 30;

/** `checkout-kill-switch`: while it is on, new orders are refused before anything is reserved. */
@Injectable()
export class CheckoutKillSwitch {
  constructor(private readonly flags: FlagsClient) {}

  refuseWhileOn(principal: Principal): void {
    if (!this.flags.isEnabled('checkout-kill-switch', flagContextOf(principal))) return;
    throw new ProblemException(
      503,
      'checkout-paused',
      'Checkout is paused',
      'Checkout is not accepting new orders right now; nothing was reserved and no money was taken. Retry later with the same Idempotency-Key.',
      {},
      { 'Retry-After': String(PAUSED_RETRY_AFTER_SECONDS) },
    );
  }
}
