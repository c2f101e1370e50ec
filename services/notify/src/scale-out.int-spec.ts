import { Admin, Kafka, Producer } from 'kafkajs';
import { contracts, type EventOf } from '@boxoffice/contracts';
import { operationsHeaders, requireStackEnv, ServiceProcess, waitFor } from '@boxoffice/testing';
import { ConsumedTopic, consumedTopics } from './notifications/notification-draft';
import type { ConsumerStatsSnapshot } from './consumer/consumer-stats';
import { orderConfirmed, orderFailed, userRegistered } from './testing/events';
import { describeGroup, partitionCount, publish, startGroupAtEnd, testKafka, uniqueGroup } from './testing/kafka';
import { freshNotifyDatabase, TestDatabase } from './testing/notify-database';
import { startNotifyInstance } from './testing/notify-instance';
import { WebhookReceiver } from './testing/webhook-receiver';

/**
 * Several built notify processes (services/notify/dist, `nx run notify:build`) in one consumer
 * group on the real broker, as KEDA would run them.
 */
const stack = requireStackEnv();
/** As the local stack provisions them (libs/contracts); the range assigner splits each topic alike. */
const PARTITIONS_PER_TOPIC = contracts['checkout.order-confirmed.v1'].partitions;

type AnyEvent = { topic: ConsumedTopic; event: EventOf<ConsumedTopic> };

/**
 * `perTopic` events on each consumed topic, keyed randomly so they spread over the partitions.
 * Every customer is on the free plan: the `notify-channel` flag sends premium ones to sms/push,
 * and this test counts webhook calls (NOTIFY_DEFAULT_CHANNEL).
 */
function eventsOnEveryTopic(perTopic: number): AnyEvent[] {
  return Array.from({ length: perTopic }).flatMap(() => [
    { topic: 'login.user-registered.v1' as const, event: userRegistered({ plan: 'free' }) },
    { topic: 'checkout.order-confirmed.v1' as const, event: orderConfirmed() },
    { topic: 'checkout.order-failed.v1' as const, event: orderFailed() },
  ]);
}

describe('notify instances in one consumer group', () => {
  const group = uniqueGroup('scale');
  const receiver = new WebhookReceiver();
  const instances = new Map<string, ServiceProcess>();
  let db: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  async function startInstance(name: string): Promise<ServiceProcess> {
    // Member ids start with the client id (name): the range assigner orders members a, b, c, d…
    const proc = await startNotifyInstance({
      stack,
      name,
      databaseUrl: db.url,
      group,
      env: {
        DATABASE_POOL_SIZE: '4',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        NOTIFY_DEFAULT_CHANNEL: 'webhook',
        WEBHOOK_URL: receiver.url,
        WEBHOOK_BACKOFF_INITIAL_MS: '20',
        WEBHOOK_BACKOFF_MAX_MS: '200',
      },
    });
    instances.set(name, proc);
    return proc;
  }

  /** Waits until the broker reports a stable group of `members` members that owns every topic-partition. */
  async function groupOf(members: number) {
    return waitFor(
      async () => {
        const view = await describeGroup(admin, group);
        const owned = view.members.reduce((n, m) => n + partitionCount(m.assignment), 0);
        return view.state === 'Stable' && view.members.length === members && owned === consumedTopics.length * PARTITIONS_PER_TOPIC ? view : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `a stable group of ${members} members owning every partition` },
    );
  }

  async function publishAll(events: AnyEvent[]): Promise<void> {
    for (const topic of consumedTopics) {
      await publish(producer, topic, events.filter((e) => e.topic === topic).map((e) => e.event) as Array<EventOf<typeof topic>>);
    }
  }

  async function deliveredCount(events: AnyEvent[]): Promise<number> {
    return (await db.notificationsFor(events.map((e) => e.event.eventId))).filter((n) => n.status === 'delivered').length;
  }

  async function allDelivered(events: AnyEvent[], timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await deliveredCount(events)) === events.length, { timeoutMs, intervalMs: 100, what: `${events.length} delivered notifications` });
  }

  /** One stored, delivered notification per event, and one processed-event row. */
  async function expectOneNotificationEach(events: AnyEvent[]): Promise<void> {
    const ids = events.map((e) => e.event.eventId);
    const rows = await db.notificationsFor(ids);
    expect(rows).toHaveLength(events.length);
    expect(new Set(rows.map((r) => r.source_event_id)).size).toBe(events.length);
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    const processed = await db.pool.query('SELECT count(*)::int AS n FROM processed_event WHERE event_id = ANY($1::uuid[])', [ids]);
    expect(processed.rows[0].n).toBe(events.length);
  }

  /** Webhook POSTs per event: each event always under one Idempotency-Key (its notification id). */
  function postsPerEvent(events: AnyEvent[]): number[] {
    return events.map((e) => {
      const posts = receiver.for(e.event.eventId);
      expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBeLessThanOrEqual(1);
      return posts.length;
    });
  }

  beforeAll(async () => {
    [db] = await Promise.all([freshNotifyDatabase(stack, 'scale'), receiver.start()]);
    kafka = testKafka(stack, 'notify-scale-test');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    await startGroupAtEnd(kafka, admin, group);
  });

  afterAll(async () => {
    await Promise.all([...instances.values()].map((p) => p.stop('SIGKILL')));
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await Promise.all([receiver.stop(), db?.drop()]);
  });

  it('shares the topic-partitions among 3 and then 4 instances, and hands over on a graceful stop without loss or doubles', async () => {
    expect(PARTITIONS_PER_TOPIC).toBe(6);
    await Promise.all(['notify-a', 'notify-b', 'notify-c'].map(startInstance));
    const three = await groupOf(3);
    three.members.forEach((member, n) => {
      expect(member.assignment).toEqual(Object.fromEntries(consumedTopics.map((t) => [t, [2 * n, 2 * n + 1]])));
    });

    // 6 partitions over 4 members: 2, 2, 1, 1 of each topic.
    const fourth = await startInstance('notify-d');
    const four = await groupOf(4);
    expect(four.members.map((m) => [m.clientId, partitionCount(m.assignment)])).toEqual([
      ['notify-a', 6],
      ['notify-b', 6],
      ['notify-c', 3],
      ['notify-d', 3],
    ]);
    const fourthStats = (await (await fetch(`${fourth.url}/consumer/stats`, { headers: operationsHeaders })).json()) as ConsumerStatsSnapshot;
    expect(fourthStats.assignment).toEqual(Object.fromEntries(consumedTopics.map((t) => [t, [5]])));

    const first = eventsOnEveryTopic(20);
    await publishAll(first);
    await allDelivered(first);
    // 60 random keys leave the 4th instance's three partitions empty with a chance of (5/6)^60 ≈ 2e-5.
    expect(((await (await fetch(`${fourth.url}/consumer/stats`, { headers: operationsHeaders })).json()) as ConsumerStatsSnapshot).processedTotal).toBeGreaterThan(0);

    const second = eventsOnEveryTopic(20);
    const publishing = publishAll(second);
    const stopping = instances.get('notify-a')!;
    const stopStarted = Date.now();
    await stopping.stop('SIGTERM');
    instances.delete('notify-a');
    expect(Date.now() - stopStarted).toBeLessThan(10_000);
    expect(stopping.logs()).not.toMatch(/"level":(50|60)/);
    await publishing;
    const handedOver = await groupOf(3);
    expect(handedOver.members.map((m) => [m.clientId, partitionCount(m.assignment)])).toEqual([
      ['notify-b', 6],
      ['notify-c', 6],
      ['notify-d', 6],
    ]);

    await allDelivered([...first, ...second]);
    await expectOneNotificationEach([...first, ...second]);
    expect(postsPerEvent([...first, ...second]).every((n) => n === 1)).toBe(true);
  });

  it('loses and doubles nothing when an instance is killed with SIGKILL in the middle of a batch', async () => {
    receiver.delayMs = 30;
    const batch = eventsOnEveryTopic(100);
    await publishAll(batch);
    await waitFor(async () => (await deliveredCount(batch)) >= 30, { timeoutMs: 20_000, intervalMs: 20, what: 'the first deliveries' });

    const victim = (await describeGroup(admin, group)).members.find((m) => partitionCount(m.assignment) > 0)!;
    await instances.get(victim.clientId)!.stop('SIGKILL');
    instances.delete(victim.clientId);
    const deliveredAtKill = await deliveredCount(batch);
    expect(deliveredAtKill).toBeLessThan(batch.length);

    await startInstance('notify-e');
    await allDelivered(batch, 45_000);
    await expectOneNotificationEach(batch);

    const posts = postsPerEvent(batch);
    expect(posts.every((n) => n >= 1)).toBe(true);
    // At-least-once delivery: only a message the victim had POSTed but not yet marked delivered
    // goes out again (same Idempotency-Key); one partition in flight per instance, so at most 1.
    const repeats = posts.reduce((sum, n) => sum + n - 1, 0);
    expect(repeats).toBeLessThanOrEqual(1);
    console.log(`SIGKILL of ${victim.clientId} at ${deliveredAtKill}/${batch.length} delivered; repeated webhook POSTs after restart: ${repeats}`);
  });
});
