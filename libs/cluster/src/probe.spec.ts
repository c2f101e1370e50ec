import { probeOnce } from './probe';

describe('probeOnce', () => {
  it('refuses any host but 127.0.0.1', async () => {
    await expect(probeOnce({ url: 'http://10.0.0.1:80/healthz' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });
});
