import type { Principal } from '@boxoffice/auth';
import { FlagsClient } from '@boxoffice/flags';
import { flagContextOf } from '../flags/flag-context';
import { PricingStrategy, PricingStrategyName, pricingStrategies } from './pricing-strategy';
import { PricingStrategySelector } from './pricing-strategy.selector';

/**
 * `checkout-new-pricing` (a percentage rollout by user id) moves a buyer to dynamic pricing;
 * everyone else keeps PRICING_STRATEGY, so the flag's safe default (off) changes nothing.
 */
export class FlaggedPricingStrategySelector extends PricingStrategySelector {
  constructor(
    private readonly flags: FlagsClient,
    private readonly otherwise: PricingStrategyName,
  ) {
    super();
  }

  for(principal: Principal): PricingStrategy {
    if (this.flags.isEnabled('checkout-new-pricing', flagContextOf(principal))) return pricingStrategies.dynamic;
    return pricingStrategies[this.otherwise];
  }
}
