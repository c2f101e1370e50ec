import { createHash } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EngineDocument, toEngineDocument } from './engine-document';
import { readFlagDirectory } from './flag-files';
import { FlagsClient } from './flags-client';
import { collectingLogger, REPO_FLAGS_DIR, waitFor } from './testing/helpers';

/**
 * The Flipt-server source against a tiny HTTP server on 127.0.0.1 that serves the snapshot
 * endpoint the way Flipt does (JSON document, ETag, 304 on If-None-Match).
 */
class FakeFlipt {
  document: EngineDocument = toEngineDocument(readFlagDirectory(REPO_FLAGS_DIR).documents, 'boxoffice');
  status = 200;
  requests: { url: string; headers: IncomingHttpHeaders; status: number }[] = [];
  private server?: Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const body = JSON.stringify(this.document);
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      let status = this.status;
      if (req.url !== '/internal/v1/evaluation/snapshot/namespace/boxoffice') status = 404;
      else if (status === 200 && req.headers['if-none-match'] === etag) status = 304;
      this.requests.push({ url: req.url ?? '', headers: req.headers, status });
      if (status === 200) {
        res.writeHead(200, { 'content-type': 'application/json', etag });
        res.end(body);
      } else {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 304 ? undefined : JSON.stringify({ code: status, message: 'namespace not found' }));
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  setKillSwitch(enabled: boolean): void {
    this.document = {
      ...this.document,
      flags: this.document.flags.map((f) => (f.key === 'checkout-kill-switch' ? { ...f, enabled } : f)),
    };
  }
}

const clients: FlagsClient[] = [];
let flipt: FakeFlipt;

beforeEach(async () => {
  flipt = new FakeFlipt();
  await flipt.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await flipt.stop();
});

async function serverClient(url = flipt.url, clientToken?: string): Promise<FlagsClient> {
  const client = await FlagsClient.create({
    source: { kind: 'flipt', url, clientToken, timeoutMs: 500 },
    namespace: 'boxoffice',
    environment: 'prod',
    logger: collectingLogger(),
  });
  clients.push(client);
  return client;
}

describe('Flipt server source', () => {
  it('loads the namespace snapshot the way the engine\'s own fetcher asks for it', async () => {
    const flags = await serverClient(flipt.url, 'secret-token');
    expect(flags.status()).toMatchObject({ source: 'flipt', location: flipt.url, loaded: true, stale: false, flagCount: 5 });
    expect(flags.notifyChannel({ userId: 'u1', plan: 'premium', region: 'eu' })).toBe('sms');
    const [first] = flipt.requests;
    expect(first.url).toBe('/internal/v1/evaluation/snapshot/namespace/boxoffice');
    expect(first.headers).toMatchObject({
      accept: 'application/json',
      'x-flipt-accept-server-version': '1.47.0',
      'x-flipt-environment': 'default',
      authorization: 'Bearer secret-token',
    });
  });

  it('polls with If-None-Match and picks up a change within 2 s', async () => {
    const flags = await serverClient();
    await waitFor(() => flipt.requests.some((r) => r.status === 304), 2000);
    expect(flipt.requests.find((r) => r.status === 304)?.headers['if-none-match']).toMatch(/^"[0-9a-f]{40}"$/);

    flipt.setKillSwitch(true);
    expect(await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000)).toBeLessThan(2000);
  });

  it('goes stale on the last known state when Flipt stops, and recovers when it is back', async () => {
    const flags = await serverClient();
    flipt.setKillSwitch(true);
    await waitFor(() => flags.isEnabled('checkout-kill-switch'), 2000);
    const port = flipt.port;

    await flipt.stop();
    await waitFor(() => flags.status().stale, 2000);
    const status = flags.status();
    expect(status.lastError).toMatch(new RegExp(`cannot reach Flipt at http://127.0.0.1:${port}: ECONNREFUSED`));
    expect(status.loaded).toBe(true);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true); // last known state, no network call

    await flipt.start(port);
    await waitFor(() => !flags.status().stale, 2000);
    expect(flags.status().lastError).toBeNull();
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
  });

  it('starts on safe defaults when Flipt is down, then loads once it answers', async () => {
    const port = flipt.port;
    await flipt.stop();
    const flags = await serverClient(`http://127.0.0.1:${port}`);
    expect(flags.status()).toMatchObject({ loaded: false, stale: true });
    expect(flags.isEnabled('checkout-kill-switch')).toBe(false);

    flipt.setKillSwitch(true);
    await flipt.start(port);
    await waitFor(() => flags.status().loaded, 2000);
    expect(flags.isEnabled('checkout-kill-switch')).toBe(true);
  });

  it('rejects answers it must not evaluate: HTTP errors and another namespace', async () => {
    const flags = await serverClient();
    flipt.status = 503;
    await waitFor(() => flags.status().stale, 2000);
    expect(flags.status().lastError).toMatch(/answered HTTP 503/);

    flipt.status = 200;
    flipt.document = { ...flipt.document, namespace: { key: 'someone-else' } };
    await waitFor(() => /namespace "someone-else", expected "boxoffice"/.test(flags.status().lastError ?? ''), 2000);
    expect(flags.notifyChannel({ userId: 'u1', plan: 'premium', region: 'eu' })).toBe('sms'); // still the last good state
  });
});
