import { connectOrFail, PrismaLike } from './prisma-lifecycle';

function fakeClient(failures: Error[]): PrismaLike & { attempts: number } {
  const client = {
    attempts: 0,
    $connect: async () => {
      client.attempts += 1;
      const failure = failures.shift();
      if (failure) throw failure;
    },
    $disconnect: async () => undefined,
    $queryRawUnsafe: async <T>() => [] as T,
  };
  return client;
}

const URL = 'postgresql://u:secret@127.0.0.1:5432/boxoffice_notify';

describe('connectOrFail', () => {
  it('tries again after a connect timeout (a busy machine), and succeeds', async () => {
    const client = fakeClient([new Error('Connection terminated due to connection timeout')]);
    await expect(connectOrFail(client, URL)).resolves.toBeUndefined();
    expect(client.attempts).toBe(2);
  });

  it('gives up after three timeouts, naming the database but not the password', async () => {
    const timeout = () => new Error('Connection terminated due to connection timeout');
    const client = fakeClient([timeout(), timeout(), timeout()]);
    await expect(connectOrFail(client, URL)).rejects.toThrow(/PostgreSQL not reachable at 127\.0\.0\.1:5432\/boxoffice_notify/);
    expect(client.attempts).toBe(3);
  });

  it('fails at once when nothing listens', async () => {
    const client = fakeClient([new Error('connect ECONNREFUSED 127.0.0.1:5432')]);
    await expect(connectOrFail(client, URL)).rejects.not.toThrow(/secret/);
    expect(client.attempts).toBe(1);
  });
});
