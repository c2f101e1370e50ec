import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@boxoffice/auth';
import { FlagsClient } from '@boxoffice/flags';
import { CHECKOUT_CONFIG, CheckoutConfig } from '../config';
import { FlaggedPaymentFaultSettings } from '../payment/flagged-payment-fault-settings';
import { PaymentFaultSettings } from '../payment/payment-fault-settings';
import { PaymentGateway } from '../payment/payment-gateway';
import { SimulatedPaymentGateway } from '../payment/simulated-payment-gateway';
import { FlaggedPricingStrategySelector } from '../pricing/flagged-pricing-strategy.selector';
import { PricingStrategySelector } from '../pricing/pricing-strategy.selector';
import { CheckoutKillSwitch } from './kill-switch';
import { OrderStore } from './order-store';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { PendingOrderSweeper } from './pending-order-sweeper';

@Module({})
export class OrdersModule {
  static register(config: CheckoutConfig): DynamicModule {
    return {
      module: OrdersModule,
      imports: [AuthModule.register(config)],
      controllers: [OrdersController],
      providers: [
        { provide: CHECKOUT_CONFIG, useValue: config },
        OrderStore,
        OrdersService,
        PendingOrderSweeper,
        // Flag-driven (FlagsClient comes from the global FlagsModule in AppModule).
        CheckoutKillSwitch,
        {
          provide: PricingStrategySelector,
          inject: [FlagsClient],
          useFactory: (flags: FlagsClient) => new FlaggedPricingStrategySelector(flags, config.PRICING_STRATEGY),
        },
        {
          provide: PaymentFaultSettings,
          inject: [FlagsClient],
          useFactory: (flags: FlagsClient) =>
            new FlaggedPaymentFaultSettings(flags, { latencyMs: config.PAYMENT_LATENCY_MS, failureRate: config.PAYMENT_FAILURE_RATE }),
        },
        { provide: PaymentGateway, inject: [PaymentFaultSettings], useFactory: (faults: PaymentFaultSettings) => new SimulatedPaymentGateway(faults) },
      ],
    };
  }
}
