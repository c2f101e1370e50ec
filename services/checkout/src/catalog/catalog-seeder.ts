import type { PrismaClient } from '../generated/prisma/client';
import { SeedEvent } from './demo-catalog';

export interface SeedResult {
  eventsCreated: number;
  tiersCreated: number;
  eventsUpdated: number;
}

/**
 * Writes the catalog idempotently: missing events and tiers are created with every seat free;
 * existing ones get their descriptive fields and price refreshed, while capacity and seats left
 * are left alone so that seeding again never hands out sold seats twice.
 */
export async function seedCatalog(prisma: PrismaClient, catalog: SeedEvent[]): Promise<SeedResult> {
  const result: SeedResult = { eventsCreated: 0, tiersCreated: 0, eventsUpdated: 0 };
  await prisma.$transaction(async (tx) => {
    for (const { tiers, ...event } of catalog) {
      const details = { name: event.name, venue: event.venue, city: event.city, startsAt: new Date(event.startsAt), currency: event.currency };
      const existing = await tx.event.findUnique({ where: { id: event.id }, select: { id: true } });
      await tx.event.upsert({ where: { id: event.id }, create: { id: event.id, ...details }, update: details });
      if (existing) result.eventsUpdated += 1;
      else result.eventsCreated += 1;
      for (const tier of tiers) {
        const created = await tx.ticketTier.createMany({
          data: [{ id: tier.id, eventId: event.id, name: tier.name, priceCents: tier.priceCents, capacity: tier.capacity, seatsLeft: tier.capacity }],
          skipDuplicates: true,
        });
        if (created.count === 0) await tx.ticketTier.update({ where: { id: tier.id }, data: { name: tier.name, priceCents: tier.priceCents } });
        result.tiersCreated += created.count;
      }
    }
  });
  return result;
}
