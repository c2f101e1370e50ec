/** The demo catalog: a few concerts and one small "hot" event for contention demos. Fixed ids keep seeding idempotent. */
export interface SeedTier {
  id: string;
  name: string;
  priceCents: number;
  capacity: number;
}

export interface SeedEvent {
  id: string;
  name: string;
  venue: string;
  city: string;
  startsAt: string;
  currency: string;
  tiers: SeedTier[];
}

/** The small event everyone wants: 50 seats in one tier. */
export const HOT_EVENT_ID = '0b0c5e00-0000-4000-8000-000000000050';
export const HOT_TIER_ID = '0b0c5e00-0000-4000-8000-000000000051';

export const demoCatalog: SeedEvent[] = [
  {
    id: HOT_EVENT_ID,
    name: 'Lumen: secret rooftop show',
    venue: 'Rooftop at Kesselhaus',
    city: 'Berlin',
    startsAt: '2027-02-14T20:00:00.000Z',
    currency: 'EUR',
    tiers: [{ id: HOT_TIER_ID, name: 'Rooftop', priceCents: 6_500, capacity: 50 }],
  },
  {
    id: '0b0c5e00-0000-4000-8000-000000000100',
    name: 'Aurora Nights',
    venue: '3Arena',
    city: 'Dublin',
    startsAt: '2027-03-12T19:30:00.000Z',
    currency: 'EUR',
    tiers: [
      { id: '0b0c5e00-0000-4000-8000-000000000101', name: 'Standing', priceCents: 5_500, capacity: 6_000 },
      { id: '0b0c5e00-0000-4000-8000-000000000102', name: 'Seated', priceCents: 7_500, capacity: 3_000 },
      { id: '0b0c5e00-0000-4000-8000-000000000103', name: 'VIP', priceCents: 18_000, capacity: 200 },
    ],
  },
  {
    id: '0b0c5e00-0000-4000-8000-000000000200',
    name: 'The Copper Strings',
    venue: 'Paradiso',
    city: 'Amsterdam',
    startsAt: '2027-04-03T20:00:00.000Z',
    currency: 'EUR',
    tiers: [
      { id: '0b0c5e00-0000-4000-8000-000000000201', name: 'General admission', priceCents: 4_200, capacity: 1_500 },
      { id: '0b0c5e00-0000-4000-8000-000000000202', name: 'Balcony', priceCents: 5_200, capacity: 300 },
    ],
  },
  {
    id: '0b0c5e00-0000-4000-8000-000000000300',
    name: 'Northern Lights Orchestra',
    venue: 'Royal Albert Hall',
    city: 'London',
    startsAt: '2027-05-21T19:00:00.000Z',
    currency: 'GBP',
    tiers: [
      { id: '0b0c5e00-0000-4000-8000-000000000301', name: 'Stalls', priceCents: 6_800, capacity: 1_800 },
      { id: '0b0c5e00-0000-4000-8000-000000000302', name: 'Circle', priceCents: 4_500, capacity: 2_400 },
    ],
  },
];
