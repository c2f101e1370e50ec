import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ErrorStrategy, FliptClient as Engine } from '@flipt-io/flipt-client-js';
import { editFlag } from './edit';
import { toEngineDocument } from './engine-document';
import { readFlagDirectory } from './flag-files';
import { FlagsClient, FlagsClientOptions } from './flags-client';
import { cleanupTempDirs, collectingLogger, copyRepoFlags, flagDir, REPO_FLAGS_DIR, waitFor } from './testing/helpers';

const clients: FlagsClient[] = [];

async function client(options: Partial<FlagsClientOptions> & { dir?: string } = {}): Promise<FlagsClient> {
  const { dir, ...rest } = options;
  const created = await FlagsClient.create({
    source: { kind: 'files', dir: dir ?? REPO_FLAGS_DIR },
    namespace: 'boxoffice',
    environment: 'prod',
    logger: collectingLogger(),
    ...rest,
  });
  clients.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
afterAll(cleanupTempDirs);

const flagFile = (dir: string) => path.join(dir, 'boxoffice.features.yml');

/** Flips the kill switch's `enabled` line in place (a plain, non-atomic write, like an editor's). */
function writeKillSwitch(dir: string, enabled: boolean): void {
  const text = readFileSync(flagFile(dir), 'utf8');
  const updated = text.replace(/(key: checkout-kill-switch[\s\S]*?enabled: )(true|false)/, `$1${enabled}`);
  expect(updated).not.toBe(text);
  writeFileSync(flagFile(dir), updated);
}

describe('FlagsClient on the repo flag files', () => {
  it('answers every flag the code reads, typed, from the real files', async () => {
    const flags = await client({ service: 'checkout', serviceVersion: '1.4.0' });
    expect(flags.status()).toMatchObject({ source: 'files', namespace: 'boxoffice', loaded: true, stale: false, flagCount: 5, warnings: [] });
    expect(flags.isEnabled('checkout-kill-switch', { userId: 'u1' })).toBe(false);
    expect(flags.notifyChannel({ userId: 'u1', plan: 'free', region: 'eu' })).toBe('email');
    expect(flags.notifyChannel({ userId: 'u1', plan: 'premium', region: 'eu' })).toBe('sms');
    expect(flags.variant('notify-channel', { userId: 'u1', plan: 'premium', region: 'us-east' })).toEqual({ key: 'push', attachment: null });
    expect(flags.paymentFailureRate({ userId: 'u1' })).toBe(0);
    expect(flags.addedLatencyMs({ userId: 'u1' })).toBe(0);
    expect(flags.variant('checkout-payment-failure-rate', { userId: 'u1' })).toEqual({ key: 'off', attachment: { rate: 0 } });
  });

  it('targets a faulty canary by service_version, and only in checkout', async () => {
    const canary = await client({ service: 'checkout', serviceVersion: '1.5.0-faulty' });
    const notify = await client({ service: 'notify', serviceVersion: '1.5.0-faulty' });
    expect(canary.paymentFailureRate({ userId: 'u1' })).toBe(0.5);
    expect(canary.addedLatencyMs({ userId: 'u1' })).toBe(2000);
    expect(canary.variant('checkout-added-latency-ms')).toEqual({ key: 'large', attachment: { ms: 2000 } });
    expect(notify.paymentFailureRate({ userId: 'u1' })).toBe(0);
  });
});

describe('context trimming', () => {
  it('sending only the properties the constraints read gives the same answers as the full context', async () => {
    const document = toEngineDocument(readFlagDirectory(REPO_FLAGS_DIR).documents, 'boxoffice');
    const engine = await Engine.init({
      namespace: 'boxoffice',
      errorStrategy: ErrorStrategy.Fail,
      fetcher: async () => ({ ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => document }),
    });
    const variants = ['notify-channel', 'checkout-payment-failure-rate', 'checkout-added-latency-ms'] as const;
    const booleans = ['checkout-kill-switch', 'checkout-new-pricing'] as const;
    for (const environment of ['dev', 'staging', 'prod']) {
      for (const service of ['checkout', 'notify']) {
        for (const version of ['1.0.0', '1.1.0-faulty']) {
          const flags = await client({ environment, service, serviceVersion: version });
          for (let i = 0; i < 200; i++) {
            const ctx = { userId: `user-${i}`, plan: i % 3 ? 'free' : 'premium', region: ['eu', 'us', 'us-east', 'ap'][i % 4] };
            const full = { plan: ctx.plan, region: ctx.region, environment, service, service_version: version };
            for (const key of booleans) {
              expect(flags.isEnabled(key, ctx)).toBe(engine.evaluateBoolean({ flagKey: key, entityId: ctx.userId, context: full }).enabled);
            }
            for (const key of variants) {
              expect(flags.variant(key, ctx).key).toBe(engine.evaluateVariant({ flagKey: key, entityId: ctx.userId, context: full }).variantKey);
            }
          }
        }
      }
    }
    (engine as unknown as { close?: () => void }).close?.();
    // 12,000 paired evaluations: seconds on a busy 2-core machine, so more than Jest's default 5 s.
  }, 60_000);
});

describe('direct engine calls', () => {
  it('answer exactly as the client package\'s public methods do', async () => {
    const direct = await client({ service: 'checkout', serviceVersion: '2.0.0-faulty' });
    const viaPackage = await client({ service: 'checkout', serviceVersion: '2.0.0-faulty', directEngineCalls: false });
    for (let i = 0; i < 2000; i++) {
      const ctx = { userId: `user-${i}`, plan: i % 2 ? 'free' : 'premium', region: i % 3 ? 'eu' : 'us-east' };
      expect(direct.isEnabled('checkout-new-pricing', ctx)).toBe(viaPackage.isEnabled('checkout-new-pricing', ctx));
      expect(direct.notifyChannel(ctx)).toBe(viaPackage.notifyChannel(ctx));
      expect(direct.paymentFailureRate(ctx)).toBe(viaPackage.paymentFailureRate(ctx));
    }
    expect(direct.isEnabled('notify-channel' as never)).toBe(false);
  });
});

describe('live changes', () => {
  it('sees the kill switch flipped in the file within 2 s, without a restart', async () => {
    const dir = copyRepoFlags();
    const flags = await client({ dir });
    expect(flags.isEnabled('checkout-kill-switch')).toBe(false);

    writeKillSwitch(dir, true);
    const onMs = await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000);

    editFlag(dir, 'boxoffice', 'checkout-kill-switch', { kind: 'disable' }); // what `npm run flags -- disable` does
    const offMs = await waitFor(() => !flags.isEnabled('checkout-kill-switch'), 2000);

    expect(onMs).toBeLessThan(2000);
    expect(offMs).toBeLessThan(2000);
    expect(flags.status()).toMatchObject({ stale: false, lastError: null });
  });

  it('polling alone (no fs.watch) also sees a change within 2 s', async () => {
    const dir = copyRepoFlags();
    const flags = await client({ dir, source: { kind: 'files', dir, watch: false } });
    writeKillSwitch(dir, true);
    expect(await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000)).toBeLessThan(2000);
  });

  it('a corrupt file keeps the last good state, reports which file and why, and recovers when fixed', async () => {
    const dir = copyRepoFlags();
    const logger = collectingLogger();
    const flags = await client({ dir, logger });
    writeKillSwitch(dir, true);
    await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000);
    const good = readFileSync(flagFile(dir), 'utf8');

    // An enum typo: Flipt's engine would take it silently and the flag would be dead.
    writeFileSync(flagFile(dir), good.replace('type: BOOLEAN_FLAG_TYPE\n    enabled: true', 'type: BOOLEAN_FLAG_TYP\n    enabled: false'));
    await waitFor(() => flags.status().stale, 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true); // the last good state
    const status = flags.status();
    expect(status.lastError).toMatch(/boxoffice\.features\.yml:\d+:\d+ flag "checkout-kill-switch"\.type: unknown value "BOOLEAN_FLAG_TYP"/);
    expect(status.problems).toEqual([expect.stringMatching(/boxoffice\.features\.yml:\d+:11 .*did you mean "BOOLEAN_FLAG_TYPE"/)]);
    expect(status.loaded).toBe(true);
    const logged = logger.lines.find((l) => l.level === 'error');
    expect(logged?.message).toBe('flag source failed; evaluating on the last known state');
    expect(JSON.stringify(logged?.details)).toMatch(/boxoffice\.features\.yml:\d+:11/);

    // Broken YAML: same story.
    writeFileSync(flagFile(dir), `${good}\n  - key: [oops\n`);
    await waitFor(() => /YAML/.test(flags.status().lastError ?? ''), 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(2); // one line per new problem, not one per poll

    // Fixed: fresh state, not stale.
    writeFileSync(flagFile(dir), good.replace(/(key: checkout-kill-switch[\s\S]*?enabled: )true/, '$1false'));
    await waitFor(() => !flags.status().stale, 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(false);
    expect(flags.status()).toMatchObject({ lastError: null, problems: [] });
  });

  it('an emptied, then deleted flag file keeps the last good state (kill switch stays on) and reports it', async () => {
    const dir = copyRepoFlags();
    const flags = await client({ dir });
    writeKillSwitch(dir, true);
    await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000);
    const good = readFileSync(flagFile(dir), 'utf8');

    writeFileSync(flagFile(dir), ''); // truncated, as a crashed or half-done write leaves it
    await waitFor(() => flags.status().stale, 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
    expect(flags.status().lastError).toMatch(/boxoffice\.features\.yml:1:1 .*file is empty/);

    unlinkSync(flagFile(dir));
    await waitFor(() => /defines namespace "boxoffice"/.test(flags.status().lastError ?? ''), 2000);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // more polls of the unchanged, still broken directory
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
    expect(flags.status()).toMatchObject({ stale: true, lastError: expect.stringMatching(/no flag file .* defines namespace "boxoffice" \(found: none\); keeping the last good flags/) });

    writeFileSync(flagFile(dir), good);
    await waitFor(() => !flags.status().stale, 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
  });
});

describe('safe defaults', () => {
  it('a client whose files are invalid from the start answers with the defaults and says so', async () => {
    const dir = flagDir({ 'boxoffice.features.yml': 'version: "1.4"\nnamespace: boxoffice\nflags:\n  - key: checkout-kill-switch\n    name: Kill\n    type: BOOLEAN\n' });
    const flags = await client({ dir });
    expect(flags.status()).toMatchObject({ loaded: false, stale: true, revision: null, flagCount: 0 });
    expect(flags.status().lastError).toMatch(/boxoffice\.features\.yml:6:11 .*unknown value "BOOLEAN"/);
    expect(flags.isEnabled('checkout-kill-switch', { userId: 'u1' })).toBe(false);
    expect(flags.isEnabled('checkout-new-pricing', { userId: 'u1' })).toBe(false);
    expect(flags.notifyChannel({ userId: 'u1', plan: 'premium' })).toBe('email');
    expect(flags.paymentFailureRate()).toBe(0);
    expect(flags.addedLatencyMs()).toBe(0);
  });

  it('missing flags, disabled flags, unknown variants and unreadable attachments give the registry default', async () => {
    const dir = flagDir({
      'boxoffice.features.yml': `version: "1.4"
namespace: boxoffice
flags:
  - key: notify-channel
    name: Channel
    type: VARIANT_FLAG_TYPE
    enabled: false
    variants:
      - key: sms
        default: true
  - key: checkout-payment-failure-rate
    name: Failure rate
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants:
      - key: high
        default: true
        attachment:
          rate: 5
  - key: checkout-added-latency-ms
    name: Latency
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants:
      - key: glacial
        default: true
        attachment:
          ms: 100
  - key: checkout-kill-switch
    name: Kill
    type: VARIANT_FLAG_TYPE
    enabled: true
`,
    });
    const flags = await client({ dir });
    expect(flags.notifyChannel()).toBe('email'); // disabled → default
    expect(flags.paymentFailureRate()).toBe(0); // rate 5 is outside 0..1
    expect(flags.variant('checkout-added-latency-ms')).toEqual({ key: 'none', attachment: { ms: 0 } }); // unknown variant
    expect(flags.isEnabled('checkout-kill-switch')).toBe(false); // wrong type
    expect(flags.isEnabled('checkout-new-pricing')).toBe(false); // missing
    expect(flags.status().warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"checkout-new-pricing" is not defined/),
        expect.stringMatching(/"checkout-kill-switch" is VARIANT_FLAG_TYPE .* reads it as BOOLEAN_FLAG_TYPE/),
        expect.stringMatching(/"checkout-added-latency-ms" can answer variant "glacial"/),
        expect.stringMatching(/"checkout-payment-failure-rate" variant "high" has an attachment the code cannot read/),
      ]),
    );
    expect(flags.status().stale).toBe(false);
  });

  it('a directory without the configured namespace is a failure, not a silent switch to the defaults', async () => {
    const flags = await client({ namespace: 'nobody' });
    expect(flags.status()).toMatchObject({ stale: true, loaded: false, lastError: expect.stringMatching(/no flag file .* defines namespace "nobody" \(found: boxoffice\)/) });
  });
});

class TestMetricReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

describe('telemetry', () => {
  it('counts every evaluation by flag, variant and reason, and reports staleness', async () => {
    const reader = new TestMetricReader();
    const provider = new MeterProvider({ readers: [reader] });
    const dir = copyRepoFlags();
    const flags = await client({ dir, meter: provider.getMeter('boxoffice-flags') });

    flags.isEnabled('checkout-kill-switch', { userId: 'a' });
    flags.isEnabled('checkout-kill-switch', { userId: 'b' });
    flags.notifyChannel({ userId: 'a', plan: 'premium', region: 'eu' });

    const read = async () => {
      const { resourceMetrics } = await reader.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const points = (name: string) => (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<number>[];
      return { points, prometheus: new PrometheusSerializer().serialize(resourceMetrics) };
    };

    const first = await read();
    let { points } = first;
    expect(first.prometheus).toContain('boxoffice_flag_evaluations_total{flag_key="checkout-kill-switch",variant="false",reason="default",otel_scope_name="boxoffice-flags"} 2');
    expect(first.prometheus).toContain('boxoffice_flags_stale{source="files",namespace="boxoffice",otel_scope_name="boxoffice-flags"} 0');
    expect(points('boxoffice.flag.evaluations').map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ flag_key: 'checkout-kill-switch', variant: 'false', reason: 'default' }, 2],
        [{ flag_key: 'notify-channel', variant: 'sms', reason: 'targeting_match' }, 1],
      ]),
    );
    expect(points('boxoffice.flags.stale').map((p) => p.value)).toEqual([0]);

    writeFileSync(flagFile(dir), 'flags: [');
    await waitFor(() => flags.status().stale, 2000);
    ({ points } = await read());
    expect(points('boxoffice.flags.stale')).toEqual([expect.objectContaining({ value: 1, attributes: { source: 'files', namespace: 'boxoffice' } })]);
    expect(points('boxoffice.flags.reloads').find((p) => p.attributes.outcome === 'failed')?.value).toBeGreaterThanOrEqual(1);
    await provider.shutdown();
  });

  it('records each evaluation on the active span with the feature-flag semantic conventions', async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const flags = await client();
    try {
      const span = provider.getTracer('test').startSpan('POST /orders');
      context.with(trace.setSpan(context.active(), span), () => {
        flags.isEnabled('checkout-kill-switch', { userId: 'u1' });
        flags.paymentFailureRate({ userId: 'u1' });
      });
      span.end();
      const [finished] = exporter.getFinishedSpans();
      expect(finished.events.map((e) => [e.name, e.attributes])).toEqual([
        [
          'feature_flag.evaluation',
          {
            'feature_flag.key': 'checkout-kill-switch',
            'feature_flag.provider.name': 'flipt',
            'feature_flag.set.id': 'boxoffice',
            'feature_flag.result.variant': 'false',
            'feature_flag.result.reason': 'default',
          },
        ],
        [
          'feature_flag.evaluation',
          expect.objectContaining({ 'feature_flag.key': 'checkout-payment-failure-rate', 'feature_flag.result.variant': 'off' }),
        ],
      ]);
    } finally {
      context.disable();
      await provider.shutdown();
    }
  });
});
