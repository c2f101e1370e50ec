import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { buildEvent, EventOf, keyOf } from '@boxoffice/contracts';
import { deployMigrations } from '@boxoffice/db-migrate';
import { databaseUrl, freePort, ServiceProcess, StackEnv } from '@boxoffice/testing';
import { decideReplicas, KafkaScaling, KedaState } from './keda';
import { groupLag } from './lag';
import { drillChart, DrillRow } from './svg-chart';
import { changed, compactTimeline, formatTimeline, TimelineRow, timelineRow, TIMELINE_HEADER } from './timeline';

const BACKLOG_TOPIC = 'checkout.order-confirmed.v1';

export interface DrillOptions {
  stack: StackEnv;
  scaling: KafkaScaling;
  messages: number;
  /** Consumer group the instances join; a fresh one per run unless the user asks for `notify`. */
  group: string;
  /** Seconds between KEDA decisions (the YAML's pollingInterval unless overridden). */
  pollingIntervalSeconds: number;
  maxSeconds: number;
  outDir: string;
  repoRoot: string;
  log: (line: string) => void;
  /** Gets the timeline's header, then a row each second something changes. */
  onTimelineRow?: (line: string) => void;
}

export interface DrillResult {
  group: string;
  messages: number;
  drained: boolean;
  seconds: number;
  rows: Array<DrillRow & { reason: string }>;
  /** Mean lag decrease per second while N instances were running and working (N → msg/s). */
  drainRateByInstances: Record<string, number>;
  chart: string;
  timeline: string;
}

function orderConfirmed(i: number): EventOf<'checkout.order-confirmed.v1'> {
  return buildEvent(
    'checkout.order-confirmed.v1',
    {
      orderId: randomUUID(),
      customer: { userId: randomUUID(), email: `drill-${i}@example.test`, displayName: `Drill buyer ${i}`, plan: 'free', region: 'eu' },
      line: { eventId: randomUUID(), eventName: 'Scale Drill Live', startsAt: '2027-03-14T19:30:00.000Z', tierId: randomUUID(), tierName: 'Floor', quantity: 1, unitPriceCents: 4_250 },
      totalCents: 4_250,
      currency: 'EUR',
      paymentReference: `drill_${i}`,
      confirmedAt: new Date().toISOString(),
    },
    { producer: { service: 'scale-drill', version: 'test' } },
  );
}

/** A fresh group commits the current end of every partition, so its lag is only the drill's backlog. */
async function startGroupAtEnd(kafka: Kafka, admin: Admin, groupId: string, topics: string[]): Promise<void> {
  const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
  const member = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  await member.connect();
  try {
    await member.subscribe({ topics });
    await member.run({ autoCommit: false, eachMessage: async () => undefined });
    await member.commitOffsets(ends.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, partition: p.partition, offset: p.high }))));
  } finally {
    await member.disconnect();
  }
}

async function produceBacklog(kafka: Kafka, messages: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let sent = 0; sent < messages; sent += 500) {
      const events = Array.from({ length: Math.min(500, messages - sent) }, (_, i) => orderConfirmed(sent + i));
      await producer.send({
        topic: BACKLOG_TOPIC,
        acks: -1,
        messages: events.map((e) => ({ key: keyOf(BACKLOG_TOPIC, e), value: JSON.stringify(e), headers: { 'event-id': e.eventId } })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** notify instances of one group, grown and shrunk to what KEDA decided. */
class NotifyFleet {
  readonly running: ServiceProcess[] = [];
  private starting = 0;
  private next = 1;
  private closed = false;
  private readonly starts = new Set<Promise<void>>();

  constructor(private readonly env: Record<string, string>, private readonly log: (line: string) => void) {}

  get size(): number {
    return this.running.length;
  }

  /** Starts or stops instances towards `target`; starts happen in the background (a real pod takes time too). */
  scaleTo(target: number): void {
    const missing = target - this.running.length - this.starting;
    for (let i = 0; i < missing; i++) void this.startOne();
    // Scale-in stops the newest instances (KEDA/HPA do not choose either; any is fine here).
    for (const proc of this.running.splice(Math.max(0, target))) void proc.stop('SIGTERM');
  }

  private startOne(): void {
    const start = this.start();
    this.starts.add(start);
    void start.finally(() => this.starts.delete(start));
  }

  private async start(): Promise<void> {
    this.starting++;
    const name = `notify-drill-${this.next++}`;
    try {
      const proc = await ServiceProcess.start({ service: 'notify', port: await freePort(), readyTimeoutMs: 120_000, env: { ...this.env, KAFKA_CLIENT_ID: name } });
      // Ready after the drill ended: it is not needed any more.
      if (this.closed) await proc.stop('SIGTERM');
      else this.running.push(proc);
    } catch (error) {
      if (!this.closed) this.log(`could not start ${name}: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      this.starting--;
    }
  }

  /** Stops every instance, including those still starting (their database is about to be dropped). */
  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.running.splice(0).map((p) => p.stop('SIGTERM')));
    await Promise.all([...this.starts]);
  }
}

/** Mean lag decrease per second, grouped by how many instances were running during that second. */
export function drainRates(rows: readonly DrillRow[]): Record<string, number> {
  const sums = new Map<number, { drop: number; seconds: number }>();
  for (let i = 1; i < rows.length; i++) {
    const [before, after] = [rows[i - 1], rows[i]];
    if (before.running !== after.running || before.running === 0 || before.lag === 0) continue;
    const s = sums.get(before.running) ?? { drop: 0, seconds: 0 };
    s.drop += before.lag - after.lag;
    s.seconds += after.second - before.second;
    sums.set(before.running, s);
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => a - b).map(([n, s]) => [String(n), Math.round(s.drop / s.seconds)]));
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { stack, scaling, log } = options;
  const topics = scaling.triggers.map((t) => t.topic);
  const kafka = new Kafka({ clientId: 'scale-drill', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  const dbName = `notify_drill_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const dbUrl = databaseUrl(stack, dbName);
  const freshGroup = options.group !== 'notify';
  const fleet = new NotifyFleet(
    {
      SERVICE_VERSION: 'drill',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_CONSUMER_GROUP: options.group,
      NOTIFY_DEFAULT_CHANNEL: 'email',
      METRICS_PORT: '0',
    },
    log,
  );
  const rows: DrillResult['rows'] = [];
  let backlogEnd: Array<{ partition: number; offset: string }> = [];
  try {
    log(`database ${dbName} (fresh, dropped afterwards); consumer group ${options.group}`);
    await deployMigrations({ service: 'notify', url: dbUrl });
    if (freshGroup) await startGroupAtEnd(kafka, admin, options.group, topics);
    log(`producing a backlog of ${options.messages} checkout.order-confirmed.v1 events`);
    await produceBacklog(kafka, options.messages);
    backlogEnd = (await admin.fetchTopicOffsets(BACKLOG_TOPIC)).map((p) => ({ partition: p.partition, offset: p.high }));

    const state: KedaState = { replicas: 0 };
    let decision = { replicas: 0, reason: 'not polled yet' };
    const begin = Date.now();
    let drainedAt: number | undefined;
    let shown: TimelineRow | undefined;
    options.onTimelineRow?.(TIMELINE_HEADER);
    for (let second = 0; second <= options.maxSeconds; second++) {
      const lags = await groupLag(admin, options.group, topics);
      const lag = lags.reduce((n, l) => n + l.lag, 0);
      if (second % options.pollingIntervalSeconds === 0) {
        const wanted = decideReplicas(scaling, lags, state, second);
        // 0 → 1 is KEDA's activation; the HPA takes it from 1 to N at the next poll.
        const replicas = state.replicas === 0 && wanted.replicas > 1 ? 1 : wanted.replicas;
        decision = { replicas, reason: replicas === wanted.replicas ? wanted.reason : `activation 0 → 1 (HPA wants ${wanted.replicas} next poll)` };
        if (wanted.active) state.lastActiveAt = second;
        state.replicas = replicas;
        fleet.scaleTo(replicas);
      }
      const row = { second, lag, desired: decision.replicas, running: fleet.size, reason: decision.reason };
      rows.push(row);
      if (changed(shown, row)) {
        options.onTimelineRow?.(timelineRow(row));
        shown = row;
      }
      if (lag === 0 && drainedAt === undefined) drainedAt = second;
      // A few seconds after draining are enough to show the flat line; KEDA's cooldown (minutes) is not waited for.
      if (drainedAt !== undefined && second - drainedAt >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, begin + (second + 1) * 1000 - Date.now())));
    }
    mkdirSync(options.outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const chart = path.join(options.outDir, `drill-${stamp}.svg`);
    const timeline = path.join(options.outDir, `drill-${stamp}.txt`);
    const drainRateByInstances = drainRates(rows);
    writeFileSync(chart, drillChart(rows, `notify scale drill: ${options.messages} messages, lagThreshold ${scaling.triggers[0].lagThreshold}, polling ${options.pollingIntervalSeconds} s`));
    writeFileSync(timeline, `${formatTimeline(rows)}\n`);
    writeFileSync(path.join(options.outDir, `drill-${stamp}.json`), JSON.stringify({ options: { ...options, stack: undefined, log: undefined }, rows, drainRateByInstances }, null, 2));
    return { group: options.group, messages: options.messages, drained: drainedAt !== undefined, seconds: rows.at(-1)?.second ?? 0, rows, drainRateByInstances, chart, timeline };
  } finally {
    await fleet.stopAll();
    if (freshGroup) await admin.deleteGroups([options.group]).catch(() => undefined);
    // Fresh consumer groups (e.g. the e2e test's notify) start at the earliest offset: remove the drill's backlog.
    if (backlogEnd.length > 0) await admin.deleteTopicRecords({ topic: BACKLOG_TOPIC, partitions: backlogEnd }).catch((e: unknown) => log(`could not delete the backlog: ${String(e)}`));
    await admin.disconnect();
    const pool = new Pool({ connectionString: databaseUrl(stack, 'postgres'), max: 1 });
    await pool.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).finally(() => pool.end());
  }
}

/** The drill's outcome: the drain rates and where the chart (a clickable file:// link) and the full timeline are; with `timeline`, the compact timeline first. */
export function formatDrill(result: DrillResult, options: { timeline?: boolean } = {}): string {
  const rates = Object.entries(result.drainRateByInstances)
    .map(([n, rate]) => `${n} instance(s): ${rate} msg/s`)
    .join(', ');
  return [
    ...(options.timeline ? [formatTimeline(compactTimeline(result.rows)), ''] : []),
    `drain rate by running instances: ${rates || '(not enough samples)'}`,
    `chart:    ${pathToFileURL(result.chart).href}`,
    `timeline: ${result.timeline} (every second)`,
  ].join('\n');
}

/** One line: what happened to the backlog, the most instances, and how long the whole drill took. */
export function drillSummary(result: DrillResult, elapsedSeconds: number): string {
  const peak = Math.max(0, ...result.rows.map((r) => r.running));
  const backlog = result.drained ? `backlog of ${result.messages} drained in ${result.rows.find((r) => r.lag === 0)?.second} s` : `backlog of ${result.messages} NOT drained within ${result.seconds} s`;
  return `${backlog} by up to ${peak} notify instance(s); drill done in ${Math.round(elapsedSeconds)} s`;
}
