import { deadLetterHeaders, withoutDeadLetterHeaders } from './dead-letter-headers';

const source = { topic: 'checkout.order-confirmed.v1', partition: 2, offset: '41' };

describe('dead-letter headers', () => {
  it('keeps the original headers and adds reason, origin, attempts and time', () => {
    const headers = deadLetterHeaders(
      { 'event-id': 'e-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', json: { a: 1 } },
      source,
      { reason: 'delivery-failed: receiver answered 503', attempts: 4 },
      new Date('2026-01-02T03:04:05.000Z'),
    );
    expect(headers).toEqual({
      'event-id': 'e-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      json: '{"a":1}',
      'x-dead-letter-reason': 'delivery-failed: receiver answered 503',
      'x-original-topic': 'checkout.order-confirmed.v1',
      'x-original-partition': '2',
      'x-original-offset': '41',
      'x-attempts': '4',
      'x-failed-at': '2026-01-02T03:04:05.000Z',
    });
  });

  it('bounds a long reason', () => {
    const headers = deadLetterHeaders({}, source, { reason: 'x'.repeat(5_000), attempts: 1 });
    expect(String(headers['x-dead-letter-reason'])).toHaveLength(1_000);
  });

  it('replaces the bookkeeping of an earlier dead letter instead of keeping stale values', () => {
    const again = deadLetterHeaders({ 'x-attempts': '9', 'x-dead-letter-reason': 'old' }, source, { reason: 'new', attempts: 1 });
    expect(again).toMatchObject({ 'x-attempts': '1', 'x-dead-letter-reason': 'new' });
    expect(withoutDeadLetterHeaders({ 'event-id': 'e', 'x-attempts': '1', 'x-failed-at': 't' })).toEqual({ 'event-id': 'e' });
  });
});
