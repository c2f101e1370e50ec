import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { testPrincipal } from '@boxoffice/auth/testing';
import { FlagsClient, FlagsLogger } from '@boxoffice/flags';
import { ProblemException } from '@boxoffice/http';
import { CheckoutKillSwitch } from '../orders/kill-switch';
import { FlaggedPaymentFaultSettings } from '../payment/flagged-payment-fault-settings';
import { FlaggedPricingStrategySelector } from '../pricing/flagged-pricing-strategy.selector';
import { copyRepoFlags, TestFlags } from '../testing/flag-files';

const quiet: FlagsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clients: FlagsClient[] = [];
const dirs: TestFlags[] = [];

/** Flipt's real engine on a private copy of the repo's flags, as checkout `serviceVersion` in prod sees them. */
async function repoFlags(serviceVersion = '1.4.0', edit?: (flags: TestFlags) => void): Promise<FlagsClient> {
  const flags = copyRepoFlags();
  dirs.push(flags);
  edit?.(flags);
  return client(flags.dir, serviceVersion);
}

async function client(dir: string, serviceVersion: string): Promise<FlagsClient> {
  const flags = await FlagsClient.create({
    source: { kind: 'files', dir, watch: false },
    namespace: 'boxoffice',
    environment: 'prod',
    service: 'checkout',
    serviceVersion,
    logger: quiet,
  });
  clients.push(flags);
  return flags;
}

/** A client whose flag files never load: every flag answers its safe default. */
async function unreadableFlags(): Promise<FlagsClient> {
  const dir = mkdtempSync(path.join(tmpdir(), 'checkout-flags-broken-'));
  writeFileSync(path.join(dir, 'boxoffice.features.yml'), 'version: "1.4"\nnamespace: boxoffice\nflags: [\n');
  dirs.push({ dir, set: () => undefined, remove: () => rmSync(dir, { recursive: true, force: true }) });
  const flags = await client(dir, '1.4.0');
  expect(flags.status().loaded).toBe(false);
  return flags;
}

afterAll(async () => {
  for (const flags of clients) await flags.stop();
  for (const dir of dirs) dir.remove();
});

describe('FlaggedPricingStrategySelector (checkout-new-pricing)', () => {
  it('gives dynamic pricing to users in the 30 % rollout and PRICING_STRATEGY to the others, stable per user', async () => {
    const flags = await repoFlags();
    const selector = new FlaggedPricingStrategySelector(flags, 'standard');
    const buyers = Array.from({ length: 2_000 }, () => testPrincipal());
    const dynamicBuyers = buyers.filter((buyer) => selector.for(buyer).name === 'dynamic');
    expect(dynamicBuyers.length / buyers.length).toBeGreaterThan(0.25);
    expect(dynamicBuyers.length / buyers.length).toBeLessThan(0.35);
    for (const buyer of buyers.slice(0, 200)) expect(selector.for(buyer).name).toBe(dynamicBuyers.includes(buyer) ? 'dynamic' : 'standard');
  });

  it('follows the rollout percentage: 0 % leaves everyone on PRICING_STRATEGY, 100 % moves everyone', async () => {
    const nobody = await repoFlags('1.4.0', (f) => f.set('checkout-new-pricing', { kind: 'rollout', percent: 0 }));
    const everybody = await repoFlags('1.4.0', (f) => f.set('checkout-new-pricing', { kind: 'rollout', percent: 100 }));
    const buyers = Array.from({ length: 50 }, () => testPrincipal());
    expect(new Set(buyers.map((b) => new FlaggedPricingStrategySelector(nobody, 'standard').for(b).name))).toEqual(new Set(['standard']));
    expect(new Set(buyers.map((b) => new FlaggedPricingStrategySelector(nobody, 'dynamic').for(b).name))).toEqual(new Set(['dynamic']));
    expect(new Set(buyers.map((b) => new FlaggedPricingStrategySelector(everybody, 'standard').for(b).name))).toEqual(new Set(['dynamic']));
  });

  it('uses PRICING_STRATEGY for everyone when the flags cannot be read', async () => {
    const selector = new FlaggedPricingStrategySelector(await unreadableFlags(), 'standard');
    expect(new Set(Array.from({ length: 50 }, () => selector.for(testPrincipal()).name))).toEqual(new Set(['standard']));
  });
});

describe('FlaggedPaymentFaultSettings (checkout-payment-failure-rate, checkout-added-latency-ms)', () => {
  const configured = { latencyMs: 50, failureRate: 0.1 };

  it('leaves the configured faults untouched for an ordinary version', async () => {
    expect(new FlaggedPaymentFaultSettings(await repoFlags('1.4.0'), configured).for(testPrincipal())).toEqual(configured);
  });

  it('adds the flag latency and raises the failure rate for a -faulty version', async () => {
    const settings = new FlaggedPaymentFaultSettings(await repoFlags('1.4.0-faulty'), configured);
    expect(settings.for(testPrincipal())).toEqual({ latencyMs: 50 + 2_000, failureRate: 0.5 });
  });

  it('never lowers a configured failure rate above the flag’s', async () => {
    const settings = new FlaggedPaymentFaultSettings(await repoFlags('1.4.0-faulty'), { latencyMs: 0, failureRate: 0.9 });
    expect(settings.for(testPrincipal()).failureRate).toBe(0.9);
  });

  it('injects nothing beyond the configured faults when the flags cannot be read', async () => {
    expect(new FlaggedPaymentFaultSettings(await unreadableFlags(), configured).for(testPrincipal())).toEqual(configured);
  });
});

describe('CheckoutKillSwitch (checkout-kill-switch)', () => {
  it('lets orders through while off and refuses them with 503, Retry-After and a clear message while on', async () => {
    let flagFiles!: TestFlags;
    const flags = await repoFlags('1.4.0', (f) => (flagFiles = f));
    const killSwitch = new CheckoutKillSwitch(flags);
    expect(() => killSwitch.refuseWhileOn(testPrincipal())).not.toThrow();

    flagFiles.set('checkout-kill-switch', { kind: 'enable' });
    await flags.refresh();
    const refusal = (() => {
      try {
        killSwitch.refuseWhileOn(testPrincipal());
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ProblemException);
    const problem = refusal as ProblemException;
    expect(problem.getStatus()).toBe(503);
    expect(problem.headers).toEqual({ 'Retry-After': '30' });
    expect(problem.toProblem()).toMatchObject({ type: 'https://boxoffice.dev/problems/checkout-paused', title: 'Checkout is paused', detail: expect.stringContaining('nothing was reserved') });
  });

  it('stays off when the flags cannot be read (checkout keeps selling)', async () => {
    const killSwitch = new CheckoutKillSwitch(await unreadableFlags());
    expect(() => killSwitch.refuseWhileOn(testPrincipal())).not.toThrow();
  });
});
