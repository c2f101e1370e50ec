import { testPrincipal } from '@boxoffice/auth/testing';
import type { OutboxRelay } from '@boxoffice/outbox';
import { loadConfig } from '@boxoffice/config';
import { checkoutConfigSchema } from '../config';
import { ChargeResult, PaymentGateway } from '../payment/payment-gateway';
import { ConfiguredPricingStrategySelector } from '../pricing/pricing-strategy.selector';
import { OrderView } from './order';
import { CheckoutKillSwitch } from './kill-switch';
import { IllegalTransitionError } from './order-state';
import type { OrderStore } from './order-store';
import { OrdersService } from './orders.service';

const config = loadConfig(checkoutConfigSchema, { DATABASE_URL: 'postgresql://u:p@127.0.0.1/x', KAFKA_BROKERS: '127.0.0.1:9092' });
const principal = testPrincipal();
const order = { id: '7d6f2c1e-1c1a-4a53-9a43-1f7e4c1f7b10', totalCents: 5_000, currency: 'EUR', status: 'pending' } as OrderView;
const sweptResponse = { status: 504, body: { type: 'https://boxoffice.dev/problems/payment-timeout', orderId: order.id } };

class PaidGateway extends PaymentGateway {
  readonly refunds: string[] = [];
  async charge(): Promise<ChargeResult> {
    return { ok: true, reference: 'sim_paid' };
  }
  async refund(reference: string): Promise<void> {
    this.refunds.push(reference);
  }
}

describe('OrdersService when the sweeper failed the order while its payment was running', () => {
  it('refunds the payment and answers with the order’s final response instead of confirming', async () => {
    const store = {
      reserve: async () => ({ kind: 'reserved', order }),
      confirm: async () => {
        throw new IllegalTransitionError(order.id, 'failed', 'confirmed');
      },
      storedResponse: async () => sweptResponse,
    } as unknown as OrderStore;
    const payments = new PaidGateway();
    const relay = { nudge: () => undefined } as unknown as OutboxRelay;
    const killSwitchOff = { refuseWhileOn: () => undefined } as unknown as CheckoutKillSwitch;
    const service = new OrdersService(store, new ConfiguredPricingStrategySelector('standard'), payments, relay, config, killSwitchOff);

    const placed = await service.place({ principal, idempotencyKey: 'k', body: { tierId: order.id, quantity: 1 } });

    expect(payments.refunds).toEqual(['sim_paid']);
    expect(placed).toEqual({ ...sweptResponse, orderId: order.id, replayed: false });
  });
});
