/** What a strategy may look at: the tier as it was just before this order reserved its seats. */
export interface PricingInput {
  basePriceCents: number;
  capacity: number;
  seatsLeft: number;
  quantity: number;
}

/** Prices one seat of a tier. Strategies are pure: same input, same price. */
export interface PricingStrategy {
  /** Recorded on the order and in `checkout.order-placed.v1` (`pricingStrategy`). */
  readonly name: string;
  unitPriceCents(input: PricingInput): number;
}

/** The tier's list price. */
export class StandardPricing implements PricingStrategy {
  readonly name = 'standard';

  unitPriceCents({ basePriceCents }: PricingInput): number {
    return basePriceCents;
  }
}

/**
 * Demand-based: the price rises with the share of the tier already sold, from the list price
 * (nothing sold) up to `maxSurge` above it (sold out), rounded up to whole `roundToCents`.
 */
export class DynamicPricing implements PricingStrategy {
  readonly name = 'dynamic';

  constructor(
    private readonly maxSurge = 0.5,
    private readonly roundToCents = 50,
  ) {}

  unitPriceCents({ basePriceCents, capacity, seatsLeft }: PricingInput): number {
    const soldShare = capacity > 0 ? Math.min(1, Math.max(0, (capacity - seatsLeft) / capacity)) : 0;
    const raw = basePriceCents * (1 + this.maxSurge * soldShare);
    return Math.ceil(raw / this.roundToCents) * this.roundToCents;
  }
}

export const pricingStrategies = {
  standard: new StandardPricing(),
  dynamic: new DynamicPricing(),
} as const;

export type PricingStrategyName = keyof typeof pricingStrategies;
