import { ConsumerStats } from './consumer-stats';

describe('ConsumerStats', () => {
  it('counts outcomes, durations and the recent rate, and tells listeners about each message', () => {
    let now = 1_000_000;
    const stats = new ConsumerStats('notify', () => now);
    const seen: string[] = [];
    stats.onHandled((s) => seen.push(s.outcome));
    stats.recordHandled({ topic: 't', partition: 0, outcome: 'dead-lettered', deadLetterCategory: 'delivery-failed', durationMs: 0 });
    for (let i = 1; i < 20; i++) stats.recordHandled({ topic: 't', partition: 0, outcome: 'notified', durationMs: i });
    now += 30_000;
    stats.recordHandled({ topic: 't', partition: 0, outcome: 'duplicate', durationMs: 100 });

    const snapshot = stats.snapshot();
    expect(snapshot.handled).toEqual({ notified: 19, redelivered: 0, duplicate: 1, 'dead-lettered': 1 });
    expect(snapshot).toMatchObject({ consumerGroup: 'notify', processedTotal: 21, deadLettered: 1, processedPerSecond: 0.1 });
    expect(snapshot.deadLetteredBy).toEqual({ 'contract-violation': 0, 'delivery-failed': 1, 'processing-failed': 0 });
    expect(snapshot.durationMs).toEqual({ count: 21, mean: (190 + 100) / 21, max: 100 });
    expect(seen).toHaveLength(21);
  });

  it('reports lag per owned partition and forgets partitions that moved away', () => {
    const stats = new ConsumerStats('notify');
    stats.recordAssignment({ a: [1, 0] });
    stats.recordBatch({ topic: 'a', partition: 0, highWatermark: '120', offsetLag: '20' });
    stats.recordBatch({ topic: 'a', partition: 1, highWatermark: '50', offsetLag: '0' });
    expect(stats.snapshot().lag.map((l) => [l.partition, l.lag])).toEqual([
      [0, 20],
      [1, 0],
    ]);
    expect(stats.snapshot().assignment).toEqual({ a: [0, 1] });

    stats.recordAssignment({ a: [1] });
    expect(stats.snapshot().lag.map((l) => l.partition)).toEqual([1]);
  });
});
