import { DeliveryFailedError } from '../channels/channel';
import { ConsumerStats } from '../consumer/consumer-stats';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { NotificationService } from '../notifications/notification.service';
import { userRegistered } from '../testing/events';
import { InboxContext, InboxService } from './inbox.service';
import { ProcessingRetry } from './processing-retry';

function contextFor(value: string, offset = '5') {
  const commits: Array<{ topic: string; partition: number; offset: string }> = [];
  const ctx: InboxContext = {
    getTopic: () => 'login.user-registered.v1',
    getPartition: () => 1,
    getMessage: () => ({ key: 'k', value: Buffer.from(value), headers: { 'event-id': 'e' }, offset }),
    getConsumer: () => ({ commitOffsets: async (offsets) => void commits.push(...offsets) }),
    getHeartbeat: () => async () => undefined,
  };
  return { ctx, commits };
}

function setup(handle: NotificationService['handle']) {
  const deadLetters = { send: jest.fn().mockResolvedValue(undefined) };
  const stats = new ConsumerStats('notify');
  const retry = new ProcessingRetry({ maxAttempts: 2, backoffInitialMs: 1, backoffMaxMs: 1 }, { healthy: async () => true, stopping: () => false });
  const inbox = new InboxService({ handle } as NotificationService, deadLetters as unknown as DeadLetterPublisher, retry, stats);
  return { inbox, deadLetters, stats };
}

describe('InboxService', () => {
  it('handles a valid event and commits past it', async () => {
    const handle = jest.fn().mockResolvedValue('notified');
    const { inbox, stats } = setup(handle);
    const event = userRegistered();
    const { ctx, commits } = contextFor(JSON.stringify(event));
    await expect(inbox.receive('login.user-registered.v1', ctx)).resolves.toBe('notified');
    expect(handle).toHaveBeenCalledWith('login.user-registered.v1', event, { topic: 'login.user-registered.v1', partition: 1, offset: '5' }, expect.anything());
    expect(commits).toEqual([{ topic: 'login.user-registered.v1', partition: 1, offset: '6' }]);
    expect(stats.snapshot().handled.notified).toBe(1);
  });

  it('dead-letters a message that breaks its contract with the original bytes and the reason, then commits', async () => {
    const handle = jest.fn();
    const { inbox, deadLetters, stats } = setup(handle);
    const { ctx, commits } = contextFor('{"not":"a contract"}');
    await expect(inbox.receive('login.user-registered.v1', ctx)).resolves.toBe('dead-lettered');
    expect(handle).not.toHaveBeenCalled();
    const [message, source, failure] = deadLetters.send.mock.calls[0];
    expect(message.value.toString()).toBe('{"not":"a contract"}');
    expect(source).toEqual({ topic: 'login.user-registered.v1', partition: 1, offset: '5' });
    expect(failure).toEqual({ reason: expect.stringMatching(/^contract-violation: login\.user-registered\.v1: eventId: /), attempts: 1 });
    expect(commits).toHaveLength(1);
    expect(stats.snapshot().deadLetteredBy['contract-violation']).toBe(1);
  });

  it('dead-letters an event whose delivery failed for good, with the attempts it took', async () => {
    const { inbox, deadLetters } = setup(jest.fn().mockRejectedValue(new DeliveryFailedError('webhook', 'receiver answered 503', 4)));
    const { ctx, commits } = contextFor(JSON.stringify(userRegistered()));
    await expect(inbox.receive('login.user-registered.v1', ctx)).resolves.toBe('dead-lettered');
    expect(deadLetters.send.mock.calls[0][2]).toEqual({ reason: 'delivery-failed: webhook delivery failed after 4 attempts: receiver answered 503', attempts: 4 });
    expect(commits).toHaveLength(1);
  });

  it('dead-letters an event that keeps failing while everything is up', async () => {
    const { inbox, deadLetters } = setup(jest.fn().mockRejectedValue(new Error('bug')));
    const { ctx } = contextFor(JSON.stringify(userRegistered()));
    await expect(inbox.receive('login.user-registered.v1', ctx)).resolves.toBe('dead-lettered');
    expect(deadLetters.send.mock.calls[0][2]).toEqual({ reason: 'processing-failed: failed 2 times: bug', attempts: 2 });
  });

  it('commits nothing when the dead letter cannot be written: the message will come again', async () => {
    const { inbox, deadLetters } = setup(jest.fn());
    deadLetters.send.mockRejectedValue(new Error('KafkaJSConnectionError'));
    const { ctx, commits } = contextFor('nope');
    await expect(inbox.receive('login.user-registered.v1', ctx)).rejects.toThrow('KafkaJSConnectionError');
    expect(commits).toEqual([]);
  });
});
