import type { Principal } from '@boxoffice/auth';
import { PricingStrategy, PricingStrategyName, pricingStrategies } from './pricing-strategy';

/**
 * Chooses the pricing strategy for a buyer. The one seam a feature flag replaces later (e.g. a
 * percentage rollout of `dynamic`): provide another implementation of this class in AppModule.
 */
export abstract class PricingStrategySelector {
  abstract for(principal: Principal): PricingStrategy;
}

/** Everyone gets the strategy named by PRICING_STRATEGY. */
export class ConfiguredPricingStrategySelector extends PricingStrategySelector {
  constructor(private readonly name: PricingStrategyName) {
    super();
  }

  for(_principal: Principal): PricingStrategy {
    return pricingStrategies[this.name];
  }
}
