import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Event, TicketTier } from '../generated/prisma/client';
import { CatalogEvent } from './catalog.dto';

const withTiers = { tiers: { orderBy: [{ priceCents: 'desc' as const }, { name: 'asc' as const }] } };

@Injectable()
export class CatalogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every event, soonest first. */
  async all(): Promise<CatalogEvent[]> {
    const events = await this.prisma.event.findMany({ orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], include: withTiers });
    return events.map(toCatalogEvent);
  }

  async byId(id: string): Promise<CatalogEvent | undefined> {
    const event = await this.prisma.event.findUnique({ where: { id }, include: withTiers });
    return event ? toCatalogEvent(event) : undefined;
  }
}

function toCatalogEvent(event: Event & { tiers: TicketTier[] }): CatalogEvent {
  return {
    id: event.id,
    name: event.name,
    venue: event.venue,
    city: event.city,
    startsAt: event.startsAt.toISOString(),
    currency: event.currency,
    tiers: event.tiers.map((t) => ({ id: t.id, name: t.name, priceCents: t.priceCents, capacity: t.capacity, seatsLeft: t.seatsLeft })),
  };
}
