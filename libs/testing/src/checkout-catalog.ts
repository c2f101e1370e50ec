import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface SeedTiersOptions {
  eventName: string;
  /** Seats (capacity and seats left) of each tier. */
  seats: number;
  /** Number of tiers, named "Floor" (one) or "Tier 0", "Tier 1"… (several). Default 1. */
  tiers?: number;
  priceCents?: number;
}

/**
 * An event 30 days ahead with its ticket tiers, inserted with SQL straight into a checkout database
 * (end-to-end tests and benchmarks, which run the built service and cannot use its Prisma client).
 * Returns the tier ids.
 */
export async function seedCheckoutTiers(databaseUrl: string, { eventName, seats, tiers = 1, priceCents = 4_500 }: SeedTiersOptions): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const eventId = randomUUID();
    await db.query(`INSERT INTO event (id, name, venue, city, starts_at, currency) VALUES ($1, $2, 'Hall', 'Testville', now() + interval '30 days', 'EUR')`, [eventId, eventName]);
    const ids = Array.from({ length: tiers }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await db.query('INSERT INTO ticket_tier (id, event_id, name, price_cents, capacity, seats_left) VALUES ($1, $2, $3, $4, $5, $5)', [
        id,
        eventId,
        tiers === 1 ? 'Floor' : `Tier ${i}`,
        priceCents,
        seats,
      ]);
    }
    return ids;
  } finally {
    await db.end();
  }
}
