import { MAX_TICKETS_PER_ORDER, orderFailureReasonSchema } from '@boxoffice/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ORDER_STATUSES } from './order-state';

export const createOrderSchema = z
  .object({
    tierId: z.uuid().describe('The ticket tier to buy from (see GET /events)'),
    quantity: z.number().int().min(1).max(MAX_TICKETS_PER_ORDER).describe(`Seats to buy, 1 to ${MAX_TICKETS_PER_ORDER}`),
  })
  .strict();

export class CreateOrderDto extends createZodDto(createOrderSchema) {}

export const orderSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(ORDER_STATUSES as [string, ...string[]]),
    line: z.object({
      eventId: z.uuid(),
      eventName: z.string(),
      startsAt: z.iso.datetime({ offset: true }),
      tierId: z.uuid(),
      tierName: z.string(),
      quantity: z.number().int(),
      unitPriceCents: z.number().int().describe('Price charged per seat, set by the pricing strategy'),
    }),
    totalCents: z.number().int(),
    currency: z.string(),
    pricingStrategy: z.string(),
    paymentReference: z.string().nullable(),
    failure: z.object({ reason: orderFailureReasonSchema, message: z.string() }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  });

export class OrderDto extends createZodDto(orderSchema) {}
export class OrderListDto extends createZodDto(
  z.object({
    orders: z.array(orderSchema),
    nextCursor: z.uuid().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  }),
) {}

export class OrderIdParams extends createZodDto(z.object({ id: z.uuid() })) {}
export class OrderListQuery extends createZodDto(
  z.object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.uuid().optional().describe('Id of the last order of the previous page'),
  }),
) {}

export type OrderBody = z.infer<typeof orderSchema>;
