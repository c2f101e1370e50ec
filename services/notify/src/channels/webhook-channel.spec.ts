import { propagation } from '@opentelemetry/api';
import { freePort } from '@boxoffice/testing';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { DeliveryFailedError, OutgoingMessage } from './channel';
import { WebhookChannel, WebhookOptions } from './webhook-channel';

const message: OutgoingMessage = {
  notificationId: '0b1c2d3e-0000-4000-8000-000000000001',
  sourceEventId: '0b1c2d3e-0000-4000-8000-000000000002',
  kind: 'welcome',
  channel: 'webhook',
  userId: '0b1c2d3e-0000-4000-8000-000000000003',
  recipient: 'user:0b1c2d3e-0000-4000-8000-000000000003',
  subject: 'Welcome',
  body: 'Hi',
};

describe('WebhookChannel', () => {
  const receiver = new WebhookReceiver();
  let heartbeats = 0;
  const context = { heartbeat: async () => void (heartbeats += 1) };
  const channel = (options: Partial<WebhookOptions> = {}) =>
    new WebhookChannel({ url: receiver.url, timeoutMs: 5_000, maxAttempts: 4, backoffInitialMs: 5, backoffMaxMs: 20, ...options });

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respond = () => 204;
    receiver.delayMs = 0;
    heartbeats = 0;
  });

  it('POSTs the notification as JSON with the notification id as Idempotency-Key', async () => {
    await expect(channel().deliver(message, context)).resolves.toEqual({ attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': message.notificationId });
    expect(receiver.received[0].body).toEqual(message);
  });

  it('passes on the current trace context through the registered propagator', async () => {
    propagation.setGlobalPropagator({
      inject: (_context, carrier, setter) => setter.set(carrier, 'traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
      extract: (context) => context,
      fields: () => ['traceparent'],
    });
    try {
      await channel().deliver(message, context);
    } finally {
      propagation.disable();
    }
    expect(receiver.received[0].headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('retries 5xx and 429 with backoff, heartbeating between attempts, until the receiver accepts', async () => {
    receiver.respond = ({ attempt }) => [503, 429, 204][attempt - 1];
    await expect(channel().deliver(message, context)).resolves.toEqual({ attempts: 3 });
    expect(receiver.received.map((r) => r.status)).toEqual([503, 429, 204]);
    expect(heartbeats).toBe(2);
  });

  it('gives up after the configured attempts and says why', async () => {
    receiver.respond = () => 503;
    const error = await channel().deliver(message, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ attempts: 4, reason: 'receiver answered 503' });
    expect(receiver.received).toHaveLength(4);
  });

  it('does not retry a permanent refusal (4xx)', async () => {
    receiver.respond = () => 400;
    await expect(channel().deliver(message, context)).rejects.toMatchObject({ attempts: 1, reason: 'receiver answered 400' });
  });

  it('bounds each attempt by the timeout and retries it', async () => {
    receiver.delayMs = 300;
    await expect(channel({ timeoutMs: 100, maxAttempts: 2 }).deliver(message, context)).rejects.toMatchObject({
      attempts: 2,
      reason: 'no answer within 100 ms',
    });
  });

  it('retries when nothing listens and reports the connection error', async () => {
    const closed = new WebhookChannel({ url: `http://127.0.0.1:${await freePort()}/hook`, timeoutMs: 5_000, maxAttempts: 2, backoffInitialMs: 1, backoffMaxMs: 1 });
    await expect(closed.deliver(message, context)).rejects.toMatchObject({ attempts: 2, reason: 'POST failed: ECONNREFUSED' });
  });

  it('fails at once, naming the setting, when no URL is configured', async () => {
    await expect(channel({ url: undefined }).deliver(message, context)).rejects.toMatchObject({ attempts: 0, reason: 'WEBHOOK_URL is not configured' });
  });
});
