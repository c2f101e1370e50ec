import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FlagsClient } from './flags-client';
import { FlagsModule } from './flags.module';
import { flagsReadinessCheck } from './health';
import { collectingLogger, REPO_FLAGS_DIR } from './testing/helpers';

@Injectable()
class OrdersService {
  constructor(private readonly flags: FlagsClient) {}

  accepting(userId: string): boolean {
    return !this.flags.isEnabled('checkout-kill-switch', { userId });
  }
}

describe('FlagsModule', () => {
  it('provides a started FlagsClient configured from the environment, and stops it on shutdown', async () => {
    @Module({
      imports: [FlagsModule.register({ service: 'checkout', serviceVersion: '1.0.0', env: { FLAGS_DIR: REPO_FLAGS_DIR, FLAGS_ENVIRONMENT: 'prod' }, logger: collectingLogger() })],
      providers: [OrdersService],
    })
    class CheckoutModule {}

    const moduleRef = await Test.createTestingModule({ imports: [CheckoutModule] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const flags = app.get(FlagsClient);
    expect(app.get(OrdersService).accepting('u1')).toBe(true);
    expect(flags.status()).toMatchObject({ source: 'files', environment: 'prod', loaded: true, stale: false });
    await expect(flagsReadinessCheck(flags).check()).resolves.toMatchObject({ stale: false });

    const stop = jest.spyOn(flags, 'stop');
    await app.close();
    expect(stop).toHaveBeenCalled();
  });

  it('takes an explicit source instead of the environment', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FlagsModule.register({ source: { kind: 'files', dir: REPO_FLAGS_DIR }, namespace: 'boxoffice', logger: collectingLogger(), global: true })],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    expect(app.get(FlagsClient).status().location).toBe(REPO_FLAGS_DIR);
    await app.close();
  });
});
