import { OutgoingMessage } from './channel';
import { SimulatedChannel, SimulatedOutbox } from './simulated-channel';

const message = { notificationId: 'n-1', recipient: 'ada@example.test', subject: 'Your tickets', body: 'See you there' } as OutgoingMessage;

describe('SimulatedChannel', () => {
  it('takes the configured provider latency before the send is recorded', async () => {
    const outbox = new SimulatedOutbox();
    const channel = new SimulatedChannel('email', outbox, 30);
    const started = performance.now();
    const delivering = channel.deliver(message);
    expect(outbox.sent()).toHaveLength(0);
    await expect(delivering).resolves.toEqual({ attempts: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(outbox.sent().map((s) => s.message)).toEqual([message]);
  });

  it('records at once without a latency', async () => {
    const outbox = new SimulatedOutbox();
    await new SimulatedChannel('sms', outbox).deliver(message);
    expect(outbox.sent()).toHaveLength(1);
  });
});
