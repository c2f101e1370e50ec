import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const ticketTierSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    priceCents: z.number().int().describe('List price of one seat; the pricing strategy may charge more under demand'),
    capacity: z.number().int(),
    seatsLeft: z.number().int(),
  });

export const catalogEventSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    venue: z.string(),
    city: z.string(),
    startsAt: z.iso.datetime({ offset: true }),
    currency: z.string().describe('ISO 4217 code of every price of this event'),
    tiers: z.array(ticketTierSchema),
  });

export class CatalogEventDto extends createZodDto(catalogEventSchema) {}
export class CatalogEventListDto extends createZodDto(z.object({ events: z.array(catalogEventSchema) })) {}
export class EventIdParams extends createZodDto(z.object({ id: z.uuid() })) {}

export type CatalogEvent = z.infer<typeof catalogEventSchema>;
