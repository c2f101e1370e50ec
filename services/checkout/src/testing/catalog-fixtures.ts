import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { seedCatalog } from '../catalog/catalog-seeder';
import { SeedEvent } from '../catalog/demo-catalog';

export interface TierFixture {
  eventId: string;
  tierId: string;
  event: SeedEvent;
}

/** A new event with one tier of `capacity` seats at `priceCents` (unique ids, so tests never share seats). */
export async function eventWithTier(prisma: PrismaClient, capacity: number, priceCents = 5_000, name = 'Test concert'): Promise<TierFixture> {
  const event: SeedEvent = {
    id: randomUUID(),
    name,
    venue: 'Test Hall',
    city: 'Testville',
    startsAt: '2027-06-01T20:00:00.000Z',
    currency: 'EUR',
    tiers: [{ id: randomUUID(), name: 'Floor', priceCents, capacity }],
  };
  await seedCatalog(prisma, [event]);
  return { eventId: event.id, tierId: event.tiers[0].id, event };
}
