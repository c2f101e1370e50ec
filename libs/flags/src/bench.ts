/**
 * Per-evaluation cost of Box Office flags, in-process with Flipt's engine.
 *
 *   npx tsx libs/flags/src/bench.ts [--calls 100000] [--rounds 5] [--warmup 20000] [--json]
 *
 * Each call is timed on its own with process.hrtime.bigint() (which itself costs a few tens of
 * nanoseconds, included in the figures), after a warm-up, over rotating user ids and contexts;
 * the cases run in interleaved rounds so that load from elsewhere on the machine hits all alike.
 * Modes: the client package's public methods with the full context (a plain integration),
 * FlagsClient without an OpenTelemetry SDK (API no-ops), and FlagsClient with the metrics SDK
 * aggregating plus a recording span (one span per 10 evaluations, created outside the timing).
 */
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { Context, context, ROOT_CONTEXT, Span, trace } from '@opentelemetry/api';
import { ErrorStrategy, FliptClient as EngineFactory } from '@flipt-io/flipt-client-js';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { toEngineDocument } from './engine-document';
import { readFlagDirectory } from './flag-files';
import { FlagContext, FlagsClient, FlagsLogger } from './flags-client';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const CALLS = option('calls', 100_000);
const WARMUP = option('warmup', 20_000);
const ROUNDS = option('rounds', 5);
const JSON_OUTPUT = args.includes('--json');
const DIR = path.resolve(__dirname, '../../../k8s/flags');

const silent: FlagsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const plans = ['free', 'premium'];
const regions = ['eu', 'us-east', 'us', 'ap-south'];
const contexts: FlagContext[] = Array.from({ length: 1024 }, (_, i) => ({
  userId: `4f6c${i.toString(16).padStart(4, '0')}-1b2a-4c3d-9e8f-${(i * 104729).toString(16).padStart(12, '0')}`,
  plan: plans[i % plans.length],
  region: regions[i % regions.length],
}));

interface Figures {
  mode: string;
  evaluation: string;
  calls: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

interface Case {
  mode: string;
  evaluation: string;
  call: (i: number) => unknown;
  around?: (i: number, run: () => void) => void;
  samples: number[];
}

/**
 * Runs every case in ROUNDS interleaved rounds (CALLS / ROUNDS timed calls each, after a
 * warm-up), so a burst of load from elsewhere on the machine hits all cases alike.
 */
function runCases(cases: Case[]): Figures[] {
  for (const c of cases) for (let i = 0; i < WARMUP; i++) c.call(i);
  const perRound = Math.ceil(CALLS / ROUNDS);
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const offset = round * perRound;
      for (let n = 0; n < perRound; n++) {
        const i = offset + n;
        const run = () => {
          const start = process.hrtime.bigint();
          const result = c.call(i);
          c.samples.push(Number(process.hrtime.bigint() - start) / 1000);
          if (result) sink++;
        };
        if (c.around) c.around(i, run);
        else run();
      }
    }
  }
  if (sink < 0) console.log(sink);
  return cases.map((c) => {
    const sorted = [...c.samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const round = (v: number) => Math.round(v * 100) / 100;
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    return { mode: c.mode, evaluation: c.evaluation, calls: sorted.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), p999: round(at(0.999)), max: round(sorted[sorted.length - 1]), mean: round(mean) };
  });
}

async function main(): Promise<void> {
  const cases: Case[] = [];
  const add = (mode: string, evaluation: string, call: Case['call'], around?: Case['around']) => cases.push({ mode, evaluation, call, around, samples: [] });

  // 1. The client package's public methods with the full context: what a plain integration costs.
  const document = toEngineDocument(readFlagDirectory(DIR).documents, 'boxoffice');
  const engine = await EngineFactory.init({
    namespace: 'boxoffice',
    errorStrategy: ErrorStrategy.Fail,
    fetcher: async () => ({ ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => document }),
  });
  const full = (c: FlagContext) => ({ plan: c.plan ?? '', region: c.region ?? '', environment: 'prod', service: 'checkout', service_version: '1.0.0' });
  add('package API, full context', 'evaluateBoolean', (i) => engine.evaluateBoolean({ flagKey: 'checkout-new-pricing', entityId: contexts[i & 1023].userId ?? 'anonymous', context: full(contexts[i & 1023]) }).enabled);
  add('package API, full context', 'evaluateVariant', (i) => engine.evaluateVariant({ flagKey: 'notify-channel', entityId: contexts[i & 1023].userId ?? 'anonymous', context: full(contexts[i & 1023]) }).variantKey);

  // 2. FlagsClient, no OpenTelemetry SDK registered (metrics and span calls are API no-ops).
  const settings = { source: { kind: 'files' as const, dir: DIR, watch: false }, namespace: 'boxoffice', environment: 'prod', service: 'checkout', serviceVersion: '1.0.0', logger: silent, refreshIntervalMs: 60_000 };
  const plain = await FlagsClient.create(settings);
  add('FlagsClient, no OTel SDK', 'isEnabled', (i) => plain.isEnabled('checkout-new-pricing', contexts[i & 1023]));
  add('FlagsClient, no OTel SDK', 'variant', (i) => plain.variant('notify-channel', contexts[i & 1023]));
  add('FlagsClient, no OTel SDK', 'paymentFailureRate', (i) => plain.paymentFailureRate(contexts[i & 1023]));

  // 3. FlagsClient with the metrics SDK aggregating and a recording span (one span per 10 evaluations, created outside the timing).
  class IdleReader extends MetricReader {
    protected onShutdown(): Promise<void> {
      return Promise.resolve();
    }
    protected onForceFlush(): Promise<void> {
      return Promise.resolve();
    }
  }
  const reader = new IdleReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = new BasicTracerProvider().getTracer('bench');
  const instrumented = await FlagsClient.create({ ...settings, meter: meterProvider.getMeter('boxoffice-flags') });
  let span: Span | undefined;
  let spanContext: Context = ROOT_CONTEXT;
  const inSpan = (i: number, run: () => void) => {
    if (i % 10 === 0) {
      span?.end();
      span = tracer.startSpan('request');
      spanContext = trace.setSpan(ROOT_CONTEXT, span);
    }
    context.with(spanContext, run);
  };
  add('FlagsClient + metrics SDK + recording span', 'isEnabled', (i) => instrumented.isEnabled('checkout-new-pricing', contexts[i & 1023]), inSpan);
  add('FlagsClient + metrics SDK + recording span', 'variant', (i) => instrumented.variant('notify-channel', contexts[i & 1023]), inSpan);

  const results = runCases(cases);
  span?.end();
  const { resourceMetrics } = await reader.collect();
  const counted = resourceMetrics.scopeMetrics.flatMap((m) => m.metrics).find((m) => m.descriptor.name === 'boxoffice.flag.evaluations');
  await plain.stop();
  await instrumented.stop();
  await meterProvider.shutdown();
  (engine as unknown as { close?: () => void }).close?.();

  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ node: process.version, calls: CALLS, rounds: ROUNDS, warmup: WARMUP, loadavg: loadavg(), results }, null, 2));
    return;
  }
  console.log(`Node ${process.version}, ${CALLS} timed calls per row in ${ROUNDS} interleaved rounds, after ${WARMUP} warm-up calls per row; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('Microseconds per evaluation:');
  console.log('| mode | evaluation | p50 | p90 | p99 | p99.9 | max | mean |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) console.log(`| ${r.mode} | ${r.evaluation} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.p999} | ${r.max} | ${r.mean} |`);
  console.log(`(metrics SDK check: ${counted?.dataPoints.length ?? 0} evaluation series recorded)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
