import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@boxoffice/auth';
import type { EventMetadata, TraceContext } from '@boxoffice/contracts';
import { ProblemException } from '@boxoffice/http';
import { OutboxRelay } from '@boxoffice/outbox';
import { databaseBusy, isDatabaseBusy } from '../common/database-busy';
import { CHECKOUT_CONFIG, CheckoutConfig } from '../config';
import { requestFingerprint } from '../idempotency/request-fingerprint';
import { chargeWithDeadline } from '../payment/charge-with-deadline';
import { PaymentGateway } from '../payment/payment-gateway';
import { PricingStrategySelector } from '../pricing/pricing-strategy.selector';
import { customerFrom } from './customer';
import { OrderFailure, OrderView } from './order';
import { CreateOrderDto } from './order.dto';
import { OrderResponse, orderResponse } from './order-responses';
import { IllegalTransitionError } from './order-state';
import { OrderStore, ReserveOutcome } from './order-store';
import { CheckoutKillSwitch } from './kill-switch';

export interface PlaceOrderCommand {
  principal: Principal;
  idempotencyKey: string;
  body: CreateOrderDto;
  traceContext?: TraceContext;
}

export interface PlacedOrder extends OrderResponse {
  orderId: string;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** Places an order: reserve and price (one transaction), charge, then confirm or fail (another). */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly store: OrderStore,
    private readonly pricing: PricingStrategySelector,
    private readonly payments: PaymentGateway,
    private readonly relay: OutboxRelay,
    @Inject(CHECKOUT_CONFIG) private readonly config: CheckoutConfig,
    private readonly killSwitch: CheckoutKillSwitch,
  ) {}

  async place(command: PlaceOrderCommand): Promise<PlacedOrder> {
    this.killSwitch.refuseWhileOn(command.principal);
    const customer = customerFrom(command.principal);
    const meta = this.eventMetadata(command.traceContext);
    const outcome = await this.busyAware(() =>
      this.store.reserve({
        orderId: randomUUID(),
        customer,
        idempotencyKey: command.idempotencyKey,
        fingerprint: requestFingerprint(command.body),
        tierId: command.body.tierId,
        quantity: command.body.quantity,
        pricing: this.pricing.for(command.principal),
        meta,
      }),
    );
    if (outcome.kind === 'replay') return { ...outcome.response, orderId: String(orderIdOf(outcome.response)), replayed: true };
    if (outcome.kind !== 'reserved') throw refusal(outcome, command.body.quantity);
    this.relay.nudge();

    const order = outcome.order;
    const charge = await chargeWithDeadline(
      this.payments,
      { orderId: order.id, payer: command.principal, amountCents: order.totalCents, currency: order.currency },
      this.config.PAYMENT_TIMEOUT_MS,
    );
    const settled = charge.ok ? await this.confirm(order, charge.reference, meta) : await this.fail(order, { reason: charge.reason, message: charge.message }, meta);
    this.relay.nudge();
    return { ...settled, orderId: order.id, replayed: false };
  }

  /** Fails a pending order and releases its seats; false when it had already left pending. */
  async failPending(order: OrderView, failure: OrderFailure): Promise<boolean> {
    try {
      await this.store.fail(order, failure, this.eventMetadata(), orderResponse);
      this.relay.nudge();
      return true;
    } catch (error) {
      if (error instanceof IllegalTransitionError) return false;
      throw error;
    }
  }

  private async confirm(order: OrderView, paymentReference: string, meta: EventMetadata): Promise<OrderResponse> {
    try {
      return (await this.settle(() => this.store.confirm(order, paymentReference, meta, orderResponse))).response;
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      // The sweeper failed the order while the payment was still running: give the money back
      // and answer with what the order became.
      this.logger.error(`${error.message}; refunding payment ${paymentReference}`);
      await this.payments.refund(paymentReference);
      return this.finalResponse(order.id);
    }
  }

  private async fail(order: OrderView, failure: OrderFailure, meta: EventMetadata): Promise<OrderResponse> {
    try {
      return (await this.settle(() => this.store.fail(order, failure, meta, orderResponse))).response;
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      return this.finalResponse(order.id);
    }
  }

  /**
   * Settling must not be lost to a momentarily saturated pool once money may have moved: retry a
   * few times before giving up (the sweeper settles the order later if all fail).
   */
  private async settle<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!isDatabaseBusy(error) || attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  private async finalResponse(orderId: string): Promise<OrderResponse> {
    const stored = await this.store.storedResponse(orderId);
    if (!stored) throw new Error(`order ${orderId} has no final response`);
    return stored;
  }

  private async busyAware<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (isDatabaseBusy(error)) throw databaseBusy();
      throw error;
    }
  }

  private eventMetadata(traceContext?: TraceContext): EventMetadata {
    return { producer: { service: 'checkout', version: this.config.SERVICE_VERSION }, ...(traceContext ? { traceContext } : {}) };
  }
}

function orderIdOf(response: OrderResponse): unknown {
  return response.body.orderId ?? response.body.id;
}

function refusal(outcome: Exclude<ReserveOutcome, { kind: 'reserved' } | { kind: 'replay' }>, quantity: number): ProblemException {
  switch (outcome.kind) {
    case 'tier-not-found':
      return new ProblemException(404, 'tier-not-found', 'Ticket tier not found', 'No ticket tier has this id; see GET /events.', {
        errors: [{ field: 'tierId', reason: 'no such ticket tier' }],
      });
    case 'not-enough-seats':
      return new ProblemException(
        409,
        'not-enough-seats',
        outcome.seatsLeft === 0 ? 'Sold out' : 'Not enough seats left',
        outcome.seatsLeft === 0
          ? `${outcome.tierName} is sold out.`
          : `Only ${outcome.seatsLeft} seat(s) left in ${outcome.tierName}; ${quantity} were requested.`,
        { seatsLeft: outcome.seatsLeft },
      );
    case 'key-in-progress':
      return new ProblemException(
        409,
        'idempotency-key-in-use',
        'Request in progress',
        'An order with this Idempotency-Key is still being processed; retry shortly to get its outcome.',
        {},
        { 'Retry-After': '1' },
      );
    case 'key-reused':
      return new ProblemException(
        422,
        'idempotency-key-reused',
        'Idempotency-Key reused',
        'This Idempotency-Key was already used with a different request body; use a new key for a new order.',
      );
  }
}
