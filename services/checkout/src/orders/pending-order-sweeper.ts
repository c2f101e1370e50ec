import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CHECKOUT_CONFIG, CheckoutConfig } from '../config';
import { OrderStore } from './order-store';
import { OrdersService } from './orders.service';

/**
 * Settles what a crashed request left behind: a pending order whose payment never finished gets
 * failed (`payment-timeout`) and its seats back, and old Idempotency-Keys are forgotten. Safe
 * on every replica at once: each transition is a conditional UPDATE, so only one wins.
 */
@Injectable()
export class PendingOrderSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PendingOrderSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly store: OrderStore,
    private readonly orders: OrdersService,
    @Inject(CHECKOUT_CONFIG) private readonly config: CheckoutConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.min(30_000, Math.max(1_000, Math.floor(this.config.ORDER_PENDING_TIMEOUT_MS / 2)));
    this.timer = setInterval(() => {
      this.running ??= this.sweepOnce()
        .catch((error: unknown) => this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many orders it failed. `now` is injectable for tests. */
  async sweepOnce(now = new Date()): Promise<number> {
    const stale = await this.store.stalePending(new Date(now.getTime() - this.config.ORDER_PENDING_TIMEOUT_MS), 100);
    let failed = 0;
    for (const order of stale) {
      const message = `The payment did not complete within ${Math.round(this.config.ORDER_PENDING_TIMEOUT_MS / 1000)} s; any charge will be refunded.`;
      if (await this.orders.failPending(order, { reason: 'payment-timeout', message })) failed += 1;
    }
    if (failed > 0) this.logger.warn(`failed ${failed} order(s) left pending and released their seats`);
    await this.store.forgetKeys(new Date(now.getTime() - this.config.IDEMPOTENCY_RETENTION_HOURS * 3_600_000));
    return failed;
  }
}
