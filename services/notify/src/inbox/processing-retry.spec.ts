import { DeliveryFailedError } from '../channels/channel';
import { ProcessingFailedError, ProcessingRetry, ShutdownInProgressError } from './processing-retry';

function setup(options: { databaseUp?: () => boolean; stopping?: () => boolean } = {}) {
  let heartbeats = 0;
  const retry = new ProcessingRetry(
    { maxAttempts: 3, backoffInitialMs: 1, backoffMaxMs: 2, outagePollMs: 1 },
    { healthy: async () => (options.databaseUp ?? (() => true))(), stopping: options.stopping ?? (() => false) },
  );
  return { retry, heartbeat: async () => void (heartbeats += 1), heartbeats: () => heartbeats };
}

describe('ProcessingRetry', () => {
  it('returns the first success', async () => {
    const { retry, heartbeat } = setup();
    let calls = 0;
    await expect(retry.run(async () => (++calls < 2 ? Promise.reject(new Error('deadlock detected')) : 'ok'), heartbeat)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it('declares the message poison after the last attempt while the database is up, heartbeating in between', async () => {
    const { retry, heartbeat, heartbeats } = setup();
    let calls = 0;
    const error = await retry.run(() => Promise.reject(new Error(`template broke #${++calls}`)), heartbeat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessingFailedError);
    expect(error).toMatchObject({ attempts: 3, message: 'failed 3 times: template broke #3' });
    expect(heartbeats()).toBe(2);
  });

  it('does not count failures during a database outage: it waits for the database and carries on', async () => {
    // The database comes back on the fifth health check: counted, not timed, so load cannot change the outcome.
    let healthChecks = 0;
    let up = false;
    const { retry, heartbeat, heartbeats } = setup({ databaseUp: () => (up = ++healthChecks >= 5) });
    let calls = 0;
    const work = async () => {
      calls += 1;
      if (!up) throw new Error('connect ECONNREFUSED');
      return 'stored';
    };
    await expect(retry.run(work, heartbeat)).resolves.toBe('stored');
    expect(calls).toBe(2);
    expect(heartbeats()).toBe(4); // one per poll while it waited (the first health check classified the failure)
  });

  it('gives the message back uncommitted when shutdown starts during an outage', async () => {
    let stopping = false;
    const { retry, heartbeat } = setup({ databaseUp: () => false, stopping: () => stopping });
    setTimeout(() => (stopping = true), 20);
    await expect(retry.run(() => Promise.reject(new Error('connect ECONNREFUSED')), heartbeat)).rejects.toBeInstanceOf(ShutdownInProgressError);
  });

  it('passes a channel delivery failure straight on: the channel already retried it', async () => {
    const { retry, heartbeat } = setup();
    let calls = 0;
    const failure = new DeliveryFailedError('webhook', 'receiver answered 503', 4);
    const work = () => {
      calls += 1;
      return Promise.reject(failure);
    };
    await expect(retry.run(work, heartbeat)).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
