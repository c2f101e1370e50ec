import { testPrincipal } from '@boxoffice/auth/testing';
import { chargeWithDeadline } from './charge-with-deadline';
import { ConfiguredPaymentFaultSettings, PaymentFaultSettings, PaymentFaults } from './payment-fault-settings';
import { ChargeResult, PaymentGateway } from './payment-gateway';
import { SimulatedPaymentGateway } from './simulated-payment-gateway';

const request = { orderId: '5b0c1f0e-5c7b-4c79-9a43-1f7e4c1f7b10', payer: testPrincipal(), amountCents: 9_000, currency: 'EUR' };
const settings = (faults: PaymentFaults) => new ConfiguredPaymentFaultSettings(faults);

describe('simulated payment gateway', () => {
  it('approves with a reference when no fault applies', async () => {
    const gateway = new SimulatedPaymentGateway(settings({ latencyMs: 0, failureRate: 0 }));
    await expect(gateway.charge(request, new AbortController().signal)).resolves.toEqual({ ok: true, reference: expect.stringMatching(/^sim_[0-9a-f-]{36}$/) });
  });

  it('fails the share of charges given by the failure rate', async () => {
    const rolls = [0.1, 0.5, 0.29, 0.9];
    const gateway = new SimulatedPaymentGateway(settings({ latencyMs: 0, failureRate: 0.3 }), () => rolls.shift()!);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 4; i++) outcomes.push((await gateway.charge(request, new AbortController().signal)).ok);
    expect(outcomes).toEqual([false, true, false, true]);
  });

  it('asks the fault settings per payer (the seam a flag replaces)', async () => {
    class PremiumOnlyFailures extends PaymentFaultSettings {
      for(payer: { plan: string }): PaymentFaults {
        return { latencyMs: 0, failureRate: payer.plan === 'premium' ? 1 : 0 };
      }
    }
    const gateway = new SimulatedPaymentGateway(new PremiumOnlyFailures());
    const signal = new AbortController().signal;
    expect((await gateway.charge({ ...request, payer: testPrincipal({ plan: 'premium' }) }, signal)).ok).toBe(false);
    expect((await gateway.charge({ ...request, payer: testPrincipal({ plan: 'free' }) }, signal)).ok).toBe(true);
  });

  it('waits the configured latency', async () => {
    const gateway = new SimulatedPaymentGateway(settings({ latencyMs: 40, failureRate: 0 }));
    const started = performance.now();
    await gateway.charge(request, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('chargeWithDeadline', () => {
  it('passes the gateway result through', async () => {
    const gateway = new SimulatedPaymentGateway(settings({ latencyMs: 0, failureRate: 0 }));
    expect((await chargeWithDeadline(gateway, request, 1_000)).ok).toBe(true);
  });

  it('turns a charge slower than the deadline into payment-timeout and stops waiting for it', async () => {
    const gateway = new SimulatedPaymentGateway(settings({ latencyMs: 5_000, failureRate: 0 }));
    const started = performance.now();
    const result = await chargeWithDeadline(gateway, request, 50);
    expect(result).toEqual({ ok: false, reason: 'payment-timeout', message: expect.stringContaining('50 ms') });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('turns a thrown provider error into payment-error', async () => {
    class Broken extends PaymentGateway {
      charge(): Promise<ChargeResult> {
        return Promise.reject(new Error('ECONNRESET'));
      }
      refund(): Promise<void> {
        return Promise.resolve();
      }
    }
    expect(await chargeWithDeadline(new Broken(), request, 1_000)).toEqual({ ok: false, reason: 'payment-error', message: expect.any(String) });
  });
});
