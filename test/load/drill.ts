/**
 * Scale drill on the local stack: a backlog on notify's topic, the group's real lag every second,
 * KEDA's decision from kustomize/components/keda/scaled-object-notify.yaml, and that many notify
 * instances actually running. `npm run drill -- [--messages 3000] [--polling-interval 5]
 * [--max-seconds 180] [--group notify] [--quiet]`. See docs/load-testing.md.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { requireStackEnv } from '@boxoffice/testing';
import { drillSummary, formatDrill, runDrill } from './src/drill';
import { readKafkaScaling } from './src/keda';

const repoRoot = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const started = Date.now();
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '3000' },
      group: { type: 'string' },
      'polling-interval': { type: 'string' },
      'max-seconds': { type: 'string', default: '180' },
      'scaled-object': { type: 'string', default: path.join(repoRoot, 'kustomize/components/keda/scaled-object-notify.yaml') },
      out: { type: 'string', default: path.join(repoRoot, 'tmp/drill') },
      quiet: { type: 'boolean', default: false },
    },
  });
  const scaling = readKafkaScaling(values['scaled-object']);
  const int = (name: string, text: string, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: an integer within 1..${max}, got "${text}"`);
    return n;
  };
  const pollingIntervalSeconds = int('polling-interval', values['polling-interval'] ?? String(scaling.pollingIntervalSeconds), 600);
  const t = scaling.triggers[0];
  console.log(
    `drill: ScaledObject ${path.relative(repoRoot, values['scaled-object'])}: lagThreshold ${t.lagThreshold}, activationLagThreshold ${t.activationLagThreshold}, replicas ${scaling.minReplicaCount}..${scaling.maxReplicaCount}, pollingInterval ${scaling.pollingIntervalSeconds} s${pollingIntervalSeconds !== scaling.pollingIntervalSeconds ? ` (drill polls every ${pollingIntervalSeconds} s)` : ''}, cooldownPeriod ${scaling.cooldownPeriodSeconds} s`,
  );
  const result = await runDrill({
    stack: requireStackEnv(),
    scaling,
    messages: int('messages', values.messages, 200_000),
    group: values.group ?? `notify-drill-${Date.now().toString(36)}`,
    pollingIntervalSeconds,
    maxSeconds: int('max-seconds', values['max-seconds'], 3600),
    outDir: path.resolve(values.out),
    repoRoot,
    log: (line) => console.log(`drill: ${line}`),
    // The timeline as it happens: a row only when something changes (--quiet: once, at the end).
    onTimelineRow: values.quiet ? undefined : (line) => console.log(line),
  });
  console.log(`\n${formatDrill(result, { timeline: values.quiet })}`);
  console.log(`drill: ${drillSummary(result, (Date.now() - started) / 1000)}`);
  if (!result.drained) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`drill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
