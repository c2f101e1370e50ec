import { OutboxRow } from './ledger';
import { deliveryFigures, deliveryProblems, formatTable, strayEvents } from './verdict';

const at = (ms: number) => new Date(ms);
const row = (id: string, topic: string, ms = 10): OutboxRow => ({ id, topic, createdAt: at(ms), published: true });

describe('fault tier verdict', () => {
  const window = { from: 0, to: 100 };
  const outbox = [
    row('a', 'checkout.order-placed.v1'),
    row('b', 'checkout.order-confirmed.v1'),
    row('c', 'login.user-registered.v1'),
    row('d', 'checkout.order-failed.v1'),
    row('later', 'checkout.order-confirmed.v1', 500),
  ];

  it('counts what was written in the window: once, twice, never; notified once or not', () => {
    const figures = deliveryFigures(
      window,
      [
        { status: 'confirmed', createdAt: at(5) },
        { status: 'pending', createdAt: at(6) },
        { status: 'failed', createdAt: at(7) },
        { status: 'pending', createdAt: at(200) },
      ],
      outbox,
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 1],
        ['later', 1],
      ]),
      new Map([
        ['b', 1],
        ['c', 1],
      ]),
    );
    expect(figures).toEqual({ orders: 3, finalOrders: 2, events: 4, publishedOnce: 2, duplicated: 1, missing: 1, notifiable: 3, notifiedOnce: 2 });
    expect(deliveryProblems('kafka', figures)).toEqual([
      'kafka: 1 of 3 orders not final',
      'kafka: 1 events published more than once',
      'kafka: 1 of 4 events never reached Kafka',
      'kafka: 1 of 3 events without exactly one notification',
    ]);
  });

  it('finds nothing wrong when every promise held', () => {
    const copies = new Map(outbox.map((r) => [r.id, 1]));
    const notified = new Map(outbox.map((r) => [r.id, 1]));
    const figures = deliveryFigures(window, [{ status: 'confirmed', createdAt: at(5) }], outbox, copies, notified);
    expect(deliveryProblems('postgres', figures)).toEqual([]);
    expect(strayEvents(outbox, copies)).toEqual([]);
    expect(strayEvents(outbox, new Map([['x', 1]]))).toEqual(['x']);
  });

  it('prints an aligned table', () => {
    expect(formatTable(['fault', 'n'], [['postgres', 5], ['kafka', 120]]).split('\n')).toEqual(['fault       n', '--------  ---', 'postgres    5', 'kafka     120']);
  });
});
