/**
 * Drain rate of notify: how fast 1, 2 and 3 instances in one consumer group work off a backlog of
 * ticket confirmations (checkout.order-confirmed.v1, e-mail simulator), on the local stack.
 *
 *   npx nx run notify:build
 *   eval "$(bash libs/local-stack/bin/stack env)"
 *   npx tsx services/notify/bench/drain-rate.ts [--messages 2000] [--instances 1,2,3] [--concurrency 1] [--latency-ms 50] [--keep-messages]
 *
 * Instances run with notify's defaults unless told otherwise: one partition at a time each, and a
 * simulated provider call of 50 ms per send (--latency-ms 0: no provider latency, CPU-bound).
 *
 * Per run: a fresh database and a fresh group that starts at the current end of the topics; the
 * instances start together, and once the group is stable with all of them the backlog is produced.
 * Reported per run:
 *   drain  = messages / (last delivered_at − first created_at), from the database: the processing window;
 *   wall   = messages / (drained − spawn), including process start-up, the group join and producing.
 * Afterwards the backlog is deleted from the shared topic (records below the end of the last
 * backlog) so that fresh consumer groups need not read it (--keep-messages: keep it).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Admin, Producer } from 'kafkajs';
import { orderConfirmed } from '../src/testing/events';
import { publish, startGroupAtEnd, testKafka, uniqueGroup } from '../src/testing/kafka';
import { freshNotifyDatabase } from '../src/testing/notify-database';
import { requireStackEnv, ServiceProcess, startNotifyInstance, waitFor } from '../src/testing/notify-instance';

const TOPIC = 'checkout.order-confirmed.v1';
const stack = requireStackEnv();
let producedTotal = 0;
/** End offsets right after the latest backlog was produced: the cleanup deletes below these. */
let backlogEnd = new Map<number, bigint>();

interface RunResult {
  instances: number;
  messages: number;
  drainPerSecond: number;
  wallPerSecond: number;
  windowSeconds: number;
  wallSeconds: number;
  /** 1-minute load average when the run ended: the machine is shared, figures need their context. */
  load: number;
}

async function endOffsets(admin: Admin): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(TOPIC)).map((p) => [p.partition, BigInt(p.high)]));
}

async function produceBacklog(producer: Producer, messages: number): Promise<number> {
  const started = Date.now();
  for (let sent = 0; sent < messages; sent += 500) {
    const batch = Array.from({ length: Math.min(500, messages - sent) }, () => orderConfirmed());
    await publish(producer, TOPIC, batch);
    producedTotal += batch.length;
  }
  return (Date.now() - started) / 1000;
}

interface RunOptions {
  instances: number;
  messages: number;
  /** KAFKA_PARTITIONS_CONCURRENCY and SIMULATED_SEND_LATENCY_MS of each instance; notify's defaults when absent. */
  concurrency?: number;
  latencyMs?: number;
}

async function run({ instances, messages, concurrency, latencyMs }: RunOptions, admin: Admin, producer: Producer, kafka: ReturnType<typeof testKafka>): Promise<RunResult> {
  const db = await freshNotifyDatabase(stack, 'bench');
  const group = uniqueGroup(`bench-${instances}`);
  const processes: ServiceProcess[] = [];
  try {
    await startGroupAtEnd(kafka, admin, group);
    const spawned = Date.now();
    processes.push(
      ...(await Promise.all(
        Array.from({ length: instances }, (_, i) =>
          startNotifyInstance({
            stack,
            name: `notify-bench-${i + 1}`,
            databaseUrl: db.url,
            group,
            env: {
              NOTIFY_DEFAULT_CHANNEL: 'email',
              ...(concurrency === undefined ? {} : { KAFKA_PARTITIONS_CONCURRENCY: String(concurrency) }),
              ...(latencyMs === undefined ? {} : { SIMULATED_SEND_LATENCY_MS: String(latencyMs) }),
            },
            readyTimeoutMs: 60_000,
          }),
        ),
      )),
    );
    // The backlog arrives once every instance holds its partitions: the drain window then measures
    // N instances working, not the group's join and rebalances (those are in the wall figure).
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([group]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === instances;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `a stable group of ${instances} instance(s)` },
    );
    const produceSeconds = await produceBacklog(producer, messages);
    const ends = await endOffsets(admin);
    backlogEnd = ends;
    console.log(`  ${instances} instance(s) in the group; backlog of ${messages} produced in ${produceSeconds.toFixed(1)} s`);
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
        return committed.partitions.every((p) => BigInt(p.offset) >= (ends.get(p.partition) ?? 0n));
      },
      { timeoutMs: 600_000, intervalMs: 100, what: 'the group to commit the whole backlog' },
    );
    const wallSeconds = (Date.now() - spawned) / 1000;
    const { rows } = await db.pool.query<{ delivered: number; first: Date; last: Date }>(
      `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, min(created_at) AS first, max(delivered_at) AS last
         FROM notification WHERE source_topic = $1`,
      [TOPIC],
    );
    const { delivered, first, last } = rows[0];
    if (delivered < messages) throw new Error(`only ${delivered} of ${messages} notifications were delivered`);
    const windowSeconds = (last.getTime() - first.getTime()) / 1000;
    return { instances, messages, drainPerSecond: messages / windowSeconds, wallPerSecond: messages / wallSeconds, windowSeconds, wallSeconds, load: loadavg()[0] };
  } finally {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await db.drop();
  }
}

/**
 * Deletes the topic's records below the end of the last backlog, so that fresh consumer groups
 * (the e2e test's notify) need not work through them. Messages others wrote before that point
 * go too (they are at least one run old); later ones stay.
 */
async function deleteBacklog(admin: Admin, before: Map<number, bigint>): Promise<void> {
  if (producedTotal === 0) return;
  const written = [...backlogEnd].reduce((sum, [partition, end]) => sum + (end - (before.get(partition) ?? 0n)), 0n);
  await admin.deleteTopicRecords({ topic: TOPIC, partitions: [...backlogEnd].map(([partition, end]) => ({ partition, offset: end.toString() })) });
  const others = written - BigInt(producedTotal);
  console.log(`deleted the ${producedTotal} benchmark messages from ${TOPIC}${others > 0n ? ` (and ${others} written by others meanwhile)` : ''}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '2000' },
      instances: { type: 'string', default: '1,2,3' },
      concurrency: { type: 'string' },
      'latency-ms': { type: 'string' },
      'keep-messages': { type: 'boolean', default: false },
    },
  });
  const messages = Number(values.messages);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  const latencyMs = values['latency-ms'] === undefined ? undefined : Number(values['latency-ms']);
  const counts = values.instances.split(',').map(Number);
  if (![messages, concurrency ?? 1, ...counts].every((n) => Number.isInteger(n) && n >= 1) || !(latencyMs === undefined || (Number.isInteger(latencyMs) && latencyMs >= 0))) {
    throw new Error('usage: drain-rate.ts [--messages <n>] [--instances 1,2,3] [--concurrency <partitions per instance>] [--latency-ms <simulated send latency>] [--keep-messages]');
  }
  const kafka = testKafka(stack, 'notify-bench');
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  const before = await endOffsets(admin);
  const results: RunResult[] = [];
  try {
    const settings = `${concurrency ?? "notify's default number of"} partition(s) at once per instance, ${latencyMs ?? "notify's default"} ms per simulated send`;
    console.log(`notify drain rate: ${messages} messages on ${TOPIC} (${before.size} partitions), e-mail simulator, ${settings}, ${cpus().length} CPUs`);
    for (const instances of counts) results.push(await run({ instances, messages, concurrency, latencyMs }, admin, producer, kafka));
  } finally {
    if (!values['keep-messages']) await deleteBacklog(admin, before).catch((e: unknown) => console.log(`could not delete the backlog: ${String(e)}`));
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
  console.log('\ninstances  messages  drain (msg/s)  window (s)  wall incl. start-up (msg/s)  wall (s)  load (1 min)');
  for (const r of results) {
    console.log(
      `${String(r.instances).padStart(9)}  ${String(r.messages).padStart(8)}  ${r.drainPerSecond.toFixed(0).padStart(13)}  ${r.windowSeconds.toFixed(1).padStart(10)}  ${r.wallPerSecond.toFixed(0).padStart(27)}  ${r.wallSeconds.toFixed(1).padStart(8)}  ${r.load.toFixed(1).padStart(12)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`drain-rate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
