import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { Customer, EventMetadata, OrderFailureReason, Topic, EventOf } from '@boxoffice/contracts';
import { outboxRecord } from '@boxoffice/outbox';
import { CHECKOUT_POOL } from '../database/database.module';
import { PrismaService } from '../database/prisma.service';
import { inTransaction } from '../database/sql-transaction';
import { Prisma } from '../generated/prisma/client';
import type { PricingStrategy } from '../pricing/pricing-strategy';
import { OrderFailure, OrderView } from './order';
import { orderConfirmedEvent, orderFailedEvent, orderPlacedEvent } from './order-events';
import { OrderResponse } from './order-responses';
import { IllegalTransitionError, OrderStatus, statesLeadingTo } from './order-state';

export interface ReserveRequest {
  orderId: string;
  customer: Customer;
  idempotencyKey: string;
  fingerprint: string;
  tierId: string;
  quantity: number;
  pricing: PricingStrategy;
  meta: EventMetadata;
}

export type ReserveOutcome =
  | { kind: 'reserved'; order: OrderView }
  | { kind: 'replay'; response: OrderResponse }
  | { kind: 'key-in-progress' }
  | { kind: 'key-reused' }
  | { kind: 'tier-not-found' }
  | { kind: 'not-enough-seats'; seatsLeft: number; tierName: string };

/** Ends the reservation transaction (rolling back the key claim) with the outcome to report. */
class Refused {
  constructor(readonly outcome: ReserveOutcome) {}
}

interface TierSnapshot {
  id: string;
  name: string;
  price_cents: number;
  capacity: number;
  seats_left: number;
  event_id: string;
  event_name: string;
  starts_at: Date;
  currency: string;
}

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: Record<string, unknown> | null;
}

const orderWithLine = { tier: { include: { event: true } } } as const;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof orderWithLine }>;

/**
 * Every database transaction of the order flow. Each state change commits together with its
 * outbox row and, for final states, the response its Idempotency-Key replays. The transactions
 * that place an order are plain SQL on the service's pool: as Prisma interactive transactions
 * they cost several times the CPU (decision 10). Reads stay with Prisma.
 */
@Injectable()
export class OrderStore {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CHECKOUT_POOL) private readonly pool: Pool,
  ) {}

  /**
   * Claims the Idempotency-Key, records the pending order and its `order-placed` event, and
   * reserves the seats with one conditional UPDATE. Anything refused rolls back completely, the
   * key claim included.
   */
  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    try {
      return await inTransaction(this.pool, (tx) => this.reserveIn(tx, request));
    } catch (error) {
      if (error instanceof Refused) return error.outcome;
      throw error;
    }
  }

  private async reserveIn(tx: PoolClient, request: ReserveRequest): Promise<ReserveOutcome> {
    const { orderId, customer, tierId, quantity } = request;
    // ON CONFLICT DO NOTHING: a concurrent twin blocks here until the first commits or rolls back.
    const claim = await tx.query(
      'INSERT INTO idempotency_key (user_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING',
      [customer.userId, request.idempotencyKey, request.fingerprint, orderId],
    );
    if (claim.rowCount === 0) return this.existingKey(tx, customer.userId, request.idempotencyKey, request.fingerprint);

    const {
      rows: [tier],
    } = await tx.query<TierSnapshot>(
      `SELECT t.id, t.name, t.price_cents, t.capacity, t.seats_left, e.id AS event_id, e.name AS event_name, e.starts_at, e.currency
         FROM ticket_tier t JOIN event e ON e.id = t.event_id WHERE t.id = $1::uuid`,
      [tierId],
    );
    if (!tier) throw new Refused({ kind: 'tier-not-found' });
    if (tier.seats_left < quantity) throw new Refused({ kind: 'not-enough-seats', seatsLeft: tier.seats_left, tierName: tier.name });

    const unitPriceCents = request.pricing.unitPriceCents({ basePriceCents: tier.price_cents, capacity: tier.capacity, seatsLeft: tier.seats_left, quantity });
    const now = new Date();
    const order: OrderView = {
      id: orderId,
      userId: customer.userId,
      status: 'pending',
      customer,
      line: {
        eventId: tier.event_id,
        eventName: tier.event_name,
        startsAt: tier.starts_at.toISOString(),
        tierId: tier.id,
        tierName: tier.name,
        quantity,
        unitPriceCents,
      },
      totalCents: unitPriceCents * quantity,
      currency: tier.currency,
      pricingStrategy: request.pricing.name,
      paymentReference: null,
      failure: null,
      createdAt: now,
      updatedAt: now,
      confirmedAt: null,
      failedAt: null,
    };
    await tx.query(
      `INSERT INTO ticket_order (id, user_id, customer, event_id, tier_id, quantity, unit_price_cents, total_cents, currency, pricing_strategy, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [order.id, order.userId, JSON.stringify(customer), order.line.eventId, tierId, quantity, unitPriceCents, order.totalCents, order.currency, order.pricingStrategy, now],
    );
    await this.publishIn(tx, 'checkout.order-placed.v1', orderPlacedEvent(order, request.meta));

    // Never oversell: the only statement that takes seats, and it cannot take more than are left.
    // It runs last so that the tier's row lock is held only until the commit.
    const reserved = await tx.query('UPDATE ticket_tier SET seats_left = seats_left - $2 WHERE id = $1 AND seats_left >= $2', [tierId, quantity]);
    if (reserved.rowCount === 0) {
      const { rows } = await tx.query<{ seats_left: number }>('SELECT seats_left FROM ticket_tier WHERE id = $1', [tierId]);
      throw new Refused({ kind: 'not-enough-seats', seatsLeft: rows[0].seats_left, tierName: tier.name });
    }
    return { kind: 'reserved', order };
  }

  private async existingKey(tx: PoolClient, userId: string, key: string, fingerprint: string): Promise<ReserveOutcome> {
    const {
      rows: [existing],
    } = await tx.query<KeyRow>('SELECT request_hash, response_status, response_body FROM idempotency_key WHERE user_id = $1 AND key = $2', [userId, key]);
    if (existing.request_hash !== fingerprint) return { kind: 'key-reused' };
    if (existing.response_status === null || existing.response_body === null) return { kind: 'key-in-progress' };
    return { kind: 'replay', response: { status: existing.response_status, body: existing.response_body } };
  }

  /** pending → confirmed, with the `order-confirmed` event and the response to replay. */
  async confirm(order: OrderView, paymentReference: string, meta: EventMetadata, respond: (o: OrderView) => OrderResponse): Promise<{ order: OrderView; response: OrderResponse }> {
    const now = new Date();
    const confirmed: OrderView = { ...order, status: 'confirmed', paymentReference, confirmedAt: now, updatedAt: now };
    const response = respond(confirmed);
    await inTransaction(this.pool, async (tx) => {
      await this.transitionIn(tx, order.id, 'confirmed', 'payment_reference = $3, confirmed_at = $4, updated_at = $4', [paymentReference, now]);
      await this.publishIn(tx, 'checkout.order-confirmed.v1', orderConfirmedEvent(confirmed, meta));
      await this.completeKeyIn(tx, order.id, response);
    });
    return { order: confirmed, response };
  }

  /** pending → failed: releases the seats, records the `order-failed` event and the response to replay. */
  async fail(order: OrderView, failure: OrderFailure, meta: EventMetadata, respond: (o: OrderView) => OrderResponse): Promise<{ order: OrderView; response: OrderResponse }> {
    const now = new Date();
    const failed: OrderView = { ...order, status: 'failed', failure, failedAt: now, updatedAt: now };
    const response = respond(failed);
    await inTransaction(this.pool, async (tx) => {
      await this.transitionIn(tx, order.id, 'failed', 'failure_reason = $3, failure_message = $4, failed_at = $5, updated_at = $5', [failure.reason, failure.message, now]);
      await tx.query('UPDATE ticket_tier SET seats_left = seats_left + $2 WHERE id = $1', [order.line.tierId, order.line.quantity]);
      await this.publishIn(tx, 'checkout.order-failed.v1', orderFailedEvent(failed, meta));
      await this.completeKeyIn(tx, order.id, response);
    });
    return { order: failed, response };
  }

  /** The response stored for the order's Idempotency-Key, once it has one. */
  async storedResponse(orderId: string): Promise<OrderResponse | undefined> {
    const key = await this.prisma.idempotencyKey.findUnique({ where: { orderId } });
    if (key?.responseStatus == null || key.responseBody == null) return undefined;
    return { status: key.responseStatus, body: key.responseBody as Record<string, unknown> };
  }

  async findForUser(userId: string, id: string): Promise<OrderView | undefined> {
    const row = await this.prisma.order.findFirst({ where: { id, userId }, include: orderWithLine });
    return row ? toOrderView(row) : undefined;
  }

  /** The caller's orders, newest first, `limit` per page after the order `cursor`. */
  async listForUser(userId: string, limit: number, cursor?: string): Promise<{ orders: OrderView[]; nextCursor: string | null }> {
    const rows = await this.prisma.order.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      include: orderWithLine,
    });
    const page = rows.slice(0, limit).map(toOrderView);
    return { orders: page, nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }

  /** Pending orders placed before `before`: their payment never finished (the process died). */
  async stalePending(before: Date, limit: number): Promise<OrderView[]> {
    const rows = await this.prisma.order.findMany({ where: { status: 'pending', createdAt: { lt: before } }, orderBy: { createdAt: 'asc' }, take: limit, include: orderWithLine });
    return rows.map(toOrderView);
  }

  /** Forgets completed Idempotency-Keys older than `before`. */
  async forgetKeys(before: Date): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({ where: { createdAt: { lt: before }, completedAt: { not: null } } });
    return count;
  }
  /**
   * The state machine's guard as a conditional UPDATE: only a legal predecessor state matches.
   * `assignments` refers to `values` as $3 onwards.
   */
  private async transitionIn(tx: PoolClient, orderId: string, to: OrderStatus, assignments: string, values: unknown[]): Promise<void> {
    const fromStates = `$${values.length + 3}::order_status[]`;
    const { rowCount } = await tx.query(`UPDATE ticket_order SET status = $2::order_status, ${assignments} WHERE id = $1 AND status = ANY(${fromStates})`, [
      orderId,
      to,
      ...values,
      statesLeadingTo(to),
    ]);
    if (rowCount === 1) return;
    const { rows } = await tx.query<{ status: OrderStatus }>('SELECT status FROM ticket_order WHERE id = $1', [orderId]);
    throw new IllegalTransitionError(orderId, rows[0]?.status ?? 'missing', to);
  }

  private async completeKeyIn(tx: PoolClient, orderId: string, response: OrderResponse): Promise<void> {
    await tx.query('UPDATE idempotency_key SET response_status = $2, response_body = $3, completed_at = now() WHERE order_id = $1', [
      orderId,
      response.status,
      JSON.stringify(response.body),
    ]);
  }

  private async publishIn<T extends Topic>(tx: PoolClient, topic: T, event: EventOf<T>): Promise<void> {
    const row = outboxRecord(topic, event);
    await tx.query('INSERT INTO outbox_event (id, topic, key, type, payload, headers) VALUES ($1, $2, $3, $4, $5, $6)', [
      row.id,
      row.topic,
      row.key,
      row.type,
      JSON.stringify(row.payload),
      JSON.stringify(row.headers),
    ]);
  }
}

function toOrderView(row: OrderRow): OrderView {
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    customer: row.customer as unknown as Customer,
    line: {
      eventId: row.eventId,
      eventName: row.tier.event.name,
      startsAt: row.tier.event.startsAt.toISOString(),
      tierId: row.tierId,
      tierName: row.tier.name,
      quantity: row.quantity,
      unitPriceCents: row.unitPriceCents,
    },
    totalCents: row.totalCents,
    currency: row.currency,
    pricingStrategy: row.pricingStrategy,
    paymentReference: row.paymentReference,
    failure: row.failureReason ? { reason: row.failureReason as OrderFailureReason, message: row.failureMessage ?? '' } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    confirmedAt: row.confirmedAt,
    failedAt: row.failedAt,
  };
}
