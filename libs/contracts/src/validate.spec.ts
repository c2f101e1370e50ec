import { randomUUID } from 'node:crypto';
import { buildEvent, ContractViolationError, keyOf, parseEvent } from './validate';
import { contracts, topicSpecs, topics } from './catalog';

const producer = { service: 'login', version: '1.0.0' };
const registered = {
  userId: randomUUID(),
  email: 'ada@example.com',
  displayName: 'Ada',
  plan: 'free' as const,
  region: 'eu',
  registeredAt: new Date().toISOString(),
};

describe('contracts', () => {
  it('names every topic <domain>.<event>.v<N> and gives it at least 3 partitions', () => {
    for (const topic of topics) {
      expect(topic).toMatch(/^[a-z]+\.[a-z-]+\.v\d+$/);
      expect(topic).toBe(`${contracts[topic].type}.v${contracts[topic].version}`);
    }
    for (const spec of topicSpecs) expect(spec.partitions).toBeGreaterThanOrEqual(3);
  });

  it('builds an envelope with id, type, version, time, producer and trace context', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = buildEvent('login.user-registered.v1', registered, { producer, traceContext: { traceparent } });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event).toMatchObject({ type: 'login.user-registered', version: 1, producer, traceContext: { traceparent } });
    expect(Date.parse(event.occurredAt)).not.toBeNaN();
    expect(keyOf('login.user-registered.v1', event)).toBe(registered.userId);
  });

  it('refuses to build an invalid event and names the field', () => {
    expect(() =>
      buildEvent('login.user-registered.v1', { ...registered, email: 'not-an-email' }, { producer }),
    ).toThrow(/login\.user-registered\.v1: payload\.email: /);
  });

  it('parses bytes and text round-trip', () => {
    const event = buildEvent('login.user-registered.v1', registered, { producer });
    const parsed = parseEvent('login.user-registered.v1', Buffer.from(JSON.stringify(event)));
    expect(parsed).toEqual({ ok: true, event });
  });

  it.each([
    ['not JSON', '{oops', /value is not valid JSON/],
    ['wrong type literal', { type: 'checkout.order-placed' }, /type: /],
    ['unknown envelope field', { extra: 1 }, /Unrecognized key/],
    ['bad trace context', { traceContext: { traceparent: 'nope' } }, /traceContext\.traceparent: must be a W3C traceparent/],
  ])('rejects a message with %s', (_label, change, reason) => {
    const event = buildEvent('login.user-registered.v1', registered, { producer });
    const raw = typeof change === 'string' ? change : { ...event, ...change };
    const parsed = parseEvent('login.user-registered.v1', raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toBeInstanceOf(ContractViolationError);
      expect(parsed.error.message).toMatch(reason);
    }
  });

  it('rejects an unknown topic', () => {
    const parsed = parseEvent('nope.v1' as never, {});
    expect(parsed.ok).toBe(false);
  });
});
