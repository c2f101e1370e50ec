import { testPrincipal } from '@boxoffice/auth/testing';
import { DynamicPricing, StandardPricing } from './pricing-strategy';
import { ConfiguredPricingStrategySelector } from './pricing-strategy.selector';

const tier = { basePriceCents: 4_000, capacity: 100, quantity: 2 };

describe('pricing strategies', () => {
  it('standard charges the list price whatever the demand', () => {
    const standard = new StandardPricing();
    expect(standard.unitPriceCents({ ...tier, seatsLeft: 100 })).toBe(4_000);
    expect(standard.unitPriceCents({ ...tier, seatsLeft: 1 })).toBe(4_000);
  });

  it('dynamic starts at the list price and rises with the share sold, up to +50%', () => {
    const dynamic = new DynamicPricing();
    expect(dynamic.unitPriceCents({ ...tier, seatsLeft: 100 })).toBe(4_000);
    expect(dynamic.unitPriceCents({ ...tier, seatsLeft: 50 })).toBe(5_000);
    expect(dynamic.unitPriceCents({ ...tier, seatsLeft: 0 })).toBe(6_000);
  });

  it('dynamic rounds up to whole 50 cents and never goes below the list price', () => {
    const dynamic = new DynamicPricing();
    expect(dynamic.unitPriceCents({ ...tier, basePriceCents: 1_999, seatsLeft: 99 })).toBe(2_050);
    expect(dynamic.unitPriceCents({ ...tier, seatsLeft: 150 })).toBe(4_000);
  });

  it('the configured selector gives every buyer the configured strategy', () => {
    expect(new ConfiguredPricingStrategySelector('dynamic').for(testPrincipal()).name).toBe('dynamic');
    expect(new ConfiguredPricingStrategySelector('standard').for(testPrincipal({ plan: 'premium' })).name).toBe('standard');
  });
});
