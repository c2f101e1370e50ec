import { FlagsClient } from './flags-client';
import { NotifyChannel, VariantKeyOf } from './registry';

/** Compile-time checks of the typed API (run by the typecheck target; the runtime part is trivial). */
function typedApi(flags: FlagsClient): void {
  const enabled: boolean = flags.isEnabled('checkout-kill-switch', { userId: 'u1' });
  const channel: NotifyChannel = flags.variant('notify-channel', { plan: 'premium' }).key;
  const none: null = flags.variant('notify-channel').attachment;
  const rate: number = flags.variant('checkout-payment-failure-rate').attachment.rate;
  const latency: VariantKeyOf<'checkout-added-latency-ms'> = flags.variant('checkout-added-latency-ms').key;
  // @ts-expect-error variant flags are not booleans
  flags.isEnabled('notify-channel');
  // @ts-expect-error boolean flags have no variants
  flags.variant('checkout-kill-switch');
  // @ts-expect-error unknown keys do not compile
  flags.isEnabled('checkout-kill');
  // @ts-expect-error variant keys are a closed set
  const wrong: NotifyChannel = 'pigeon';
  void [enabled, channel, none, rate, latency, wrong];
}

describe('typed API', () => {
  it('compiles (see the typecheck target)', () => {
    expect(typeof typedApi).toBe('function');
  });
});
