import { randomUUID } from 'node:crypto';
import { buildEvent } from '@boxoffice/contracts';
import { outboxRecord } from './outbox-record';
import { toTopicMessages } from './outbox-relay';

const topic = 'login.user-registered.v1';
const event = (userId = randomUUID()) =>
  buildEvent(
    topic,
    { userId, email: 'a@example.com', displayName: 'A', plan: 'free', region: 'eu', registeredAt: new Date().toISOString() },
    { producer: { service: 'login', version: '1' }, traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
  );

describe('outbox records', () => {
  it('keys the row by the contract key and carries event id and trace context as headers', () => {
    const e = event();
    expect(outboxRecord(topic, e)).toEqual({
      id: e.eventId,
      topic,
      key: e.payload.userId,
      type: topic,
      payload: e,
      headers: {
        'event-id': e.eventId,
        'event-type': topic,
        'content-type': 'application/json',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    });
  });

  it('refuses an event that breaks its contract before it reaches the table', () => {
    const e = event();
    expect(() => outboxRecord(topic, { ...e, payload: { ...e.payload, plan: 'gold' as 'free' } })).toThrow(/payload\.plan/);
  });

  it('groups rows by topic without reordering them', () => {
    const rows = [event('11111111-1111-4111-8111-111111111111'), event(), event('11111111-1111-4111-8111-111111111111')].map((e) => outboxRecord(topic, e));
    const [batch] = toTopicMessages(rows);
    expect(batch.topic).toBe(topic);
    expect(batch.messages.map((m) => JSON.parse(String(m.value)).eventId)).toEqual(rows.map((r) => r.id));
  });

  it('refuses to publish a row whose topic has no contract', () => {
    const row = { ...outboxRecord(topic, event()), topic: 'nope.v1' };
    expect(() => toTopicMessages([row])).toThrow(/unknown topic nope\.v1/);
  });
});
