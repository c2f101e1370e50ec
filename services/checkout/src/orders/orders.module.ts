import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@boxoffice/auth';
import { CHECKOUT_CONFIG, CheckoutConfig } from '../config';
import { ConfiguredPaymentFaultSettings, PaymentFaultSettings } from '../payment/payment-fault-settings';
import { PaymentGateway } from '../payment/payment-gateway';
import { SimulatedPaymentGateway } from '../payment/simulated-payment-gateway';
import { PricingStrategySelector, ConfiguredPricingStrategySelector } from '../pricing/pricing-strategy.selector';
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
        // The two seams feature flags take over later: replace these providers.
        { provide: PricingStrategySelector, useFactory: () => new ConfiguredPricingStrategySelector(config.PRICING_STRATEGY) },
        {
          provide: PaymentFaultSettings,
          useFactory: () => new ConfiguredPaymentFaultSettings({ latencyMs: config.PAYMENT_LATENCY_MS, failureRate: config.PAYMENT_FAILURE_RATE }),
        },
        { provide: PaymentGateway, inject: [PaymentFaultSettings], useFactory: (faults: PaymentFaultSettings) => new SimulatedPaymentGateway(faults) },
      ],
    };
  }
}
