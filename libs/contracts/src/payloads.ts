import { z } from 'zod';

export const planSchema = z.enum(['free', 'premium']);
export const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)?$/, 'must be a lowercase region code such as "eu" or "us-east"');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');

/** Who an order belongs to: carried in order events so notify never has to call login. */
export const customerSchema = z
  .object({
    userId: z.uuid(),
    email: z.email(),
    displayName: z.string().min(1).max(100),
    plan: planSchema,
    region: regionSchema,
  })
  .strict();

export const userRegisteredV1 = z
  .object({
    userId: z.uuid(),
    email: z.email(),
    displayName: z.string().min(1).max(100),
    plan: planSchema,
    region: regionSchema,
    registeredAt: z.iso.datetime({ offset: true }),
  })
  .strict();

/** Most tickets one order may buy (checkout refuses more before reserving anything). */
export const MAX_TICKETS_PER_ORDER = 10;

/** What was bought: one tier of one catalog event, with the unit price actually charged. */
export const orderLineSchema = z
  .object({
    eventId: z.uuid(),
    eventName: z.string().min(1),
    startsAt: z.iso.datetime({ offset: true }),
    tierId: z.uuid(),
    tierName: z.string().min(1),
    quantity: z.number().int().min(1).max(MAX_TICKETS_PER_ORDER),
    unitPriceCents: z.number().int().nonnegative(),
  })
  .strict();

/** Why an order failed; checkout maps each to an HTTP status, notify to a message. */
export const orderFailureReasonSchema = z.enum(['payment-declined', 'payment-error', 'payment-timeout']);

export const orderPlacedV1 = z
  .object({
    orderId: z.uuid(),
    customer: customerSchema,
    line: orderLineSchema,
    totalCents: z.number().int().nonnegative(),
    currency: currencySchema,
    pricingStrategy: z.string().min(1),
  })
  .strict();

export const orderConfirmedV1 = z
  .object({
    orderId: z.uuid(),
    customer: customerSchema,
    line: orderLineSchema,
    totalCents: z.number().int().nonnegative(),
    currency: currencySchema,
    paymentReference: z.string().min(1),
    confirmedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export const orderFailedV1 = z
  .object({
    orderId: z.uuid(),
    customer: customerSchema,
    line: orderLineSchema,
    reason: orderFailureReasonSchema,
    message: z.string().min(1).max(500),
    failedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type Customer = z.infer<typeof customerSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type OrderFailureReason = z.infer<typeof orderFailureReasonSchema>;
