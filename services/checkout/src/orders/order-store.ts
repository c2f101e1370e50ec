import { Injectable } from '@nestjs/common';
import type { Customer, EventMetadata, OrderFailureReason, Topic, EventOf } from '@boxoffice/contracts';
import { outboxRecord } from '@boxoffice/outbox';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import type { PricingStrategy } from '../pricing/pricing-strategy';
import { OrderFailure, OrderView } from './order';
import { orderConfirmedEvent, orderFailedEvent, orderPlacedEvent } from './order-events';
import { OrderResponse } from './order-responses';
import { IllegalTransitionError, OrderStatus, statesLeadingTo } from './order-state';

type Tx = Prisma.TransactionClient;

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

const orderWithLine = { tier: { include: { event: true } } } as const;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof orderWithLine }>;

/**
 * Every database transaction of the order flow. Each state change commits together with its
 * outbox row and, for final states, the response its Idempotency-Key replays.
 */
@Injectable()
export class OrderStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the Idempotency-Key, records the pending order and its `order-placed` event, and
   * reserves the seats with one conditional UPDATE. Anything refused rolls back completely, the
   * key claim included.
   */
  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    try {
      return await this.prisma.$transaction((tx) => this.reserveIn(tx, request));
    } catch (error) {
      if (error instanceof Refused) return error.outcome;
      throw error;
    }
  }

  private async reserveIn(tx: Tx, request: ReserveRequest): Promise<ReserveOutcome> {
    const { orderId, customer, tierId, quantity } = request;
    const key = { userId: customer.userId, key: request.idempotencyKey };
    // INSERT … ON CONFLICT DO NOTHING: a concurrent twin blocks here until the first commits or rolls back.
    const claim = await tx.idempotencyKey.createMany({ data: [{ ...key, requestHash: request.fingerprint, orderId }], skipDuplicates: true });
    if (claim.count === 0) return this.existingKey(tx, key, request.fingerprint);

    const [tier] = await tx.$queryRaw<TierSnapshot[]>`
      SELECT t.id, t.name, t.price_cents, t.capacity, t.seats_left, e.id AS event_id, e.name AS event_name, e.starts_at, e.currency
      FROM ticket_tier t JOIN event e ON e.id = t.event_id WHERE t.id = ${tierId}::uuid`;
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
    await tx.order.createMany({
      data: [
        {
          id: order.id,
          userId: order.userId,
          customer: order.customer,
          eventId: order.line.eventId,
          tierId: order.line.tierId,
          quantity,
          unitPriceCents,
          totalCents: order.totalCents,
          currency: order.currency,
          pricingStrategy: order.pricingStrategy,
          createdAt: now,
          updatedAt: now,
        },
      ],
    });
    await this.publishIn(tx, 'checkout.order-placed.v1', orderPlacedEvent(order, request.meta));

    // Never oversell: the only statement that takes seats, and it cannot take more than are left.
    // It runs last so that the tier's row lock is held only until the commit.
    const reserved = await tx.ticketTier.updateMany({ where: { id: tierId, seatsLeft: { gte: quantity } }, data: { seatsLeft: { decrement: quantity } } });
    if (reserved.count === 0) {
      const current = await tx.ticketTier.findUniqueOrThrow({ where: { id: tierId }, select: { seatsLeft: true } });
      throw new Refused({ kind: 'not-enough-seats', seatsLeft: current.seatsLeft, tierName: tier.name });
    }
    return { kind: 'reserved', order };
  }

  private async existingKey(tx: Tx, key: { userId: string; key: string }, fingerprint: string): Promise<ReserveOutcome> {
    const existing = await tx.idempotencyKey.findUniqueOrThrow({ where: { userId_key: key } });
    if (existing.requestHash !== fingerprint) return { kind: 'key-reused' };
    if (existing.responseStatus === null || existing.responseBody === null) return { kind: 'key-in-progress' };
    return { kind: 'replay', response: { status: existing.responseStatus, body: existing.responseBody as Record<string, unknown> } };
  }

  /** pending → confirmed, with the `order-confirmed` event and the response to replay. */
  async confirm(order: OrderView, paymentReference: string, meta: EventMetadata, respond: (o: OrderView) => OrderResponse): Promise<{ order: OrderView; response: OrderResponse }> {
    const now = new Date();
    const confirmed: OrderView = { ...order, status: 'confirmed', paymentReference, confirmedAt: now, updatedAt: now };
    const response = respond(confirmed);
    await this.prisma.$transaction(async (tx) => {
      await this.transitionIn(tx, order.id, 'confirmed', { paymentReference, confirmedAt: now, updatedAt: now });
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
    await this.prisma.$transaction(async (tx) => {
      await this.transitionIn(tx, order.id, 'failed', { failureReason: failure.reason, failureMessage: failure.message, failedAt: now, updatedAt: now });
      await tx.ticketTier.update({ where: { id: order.line.tierId }, data: { seatsLeft: { increment: order.line.quantity } } });
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

  /** The state machine's guard as a conditional UPDATE: only a legal predecessor state matches. */
  private async transitionIn(tx: Tx, orderId: string, to: OrderStatus, data: Prisma.OrderUpdateManyMutationInput): Promise<void> {
    const { count } = await tx.order.updateMany({ where: { id: orderId, status: { in: statesLeadingTo(to) } }, data: { ...data, status: to } });
    if (count === 1) return;
    const current = await tx.order.findUnique({ where: { id: orderId }, select: { status: true } });
    throw new IllegalTransitionError(orderId, current?.status ?? 'missing', to);
  }

  private async completeKeyIn(tx: Tx, orderId: string, response: OrderResponse): Promise<void> {
    await tx.idempotencyKey.updateMany({
      where: { orderId },
      data: { responseStatus: response.status, responseBody: response.body as Prisma.InputJsonObject, completedAt: new Date() },
    });
  }

  private async publishIn<T extends Topic>(tx: Tx, topic: T, event: EventOf<T>): Promise<void> {
    const record = outboxRecord(topic, event);
    await tx.outboxEvent.createMany({ data: [{ ...record, payload: record.payload as Prisma.InputJsonObject }] });
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
