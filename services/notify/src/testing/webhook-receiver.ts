import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: { notificationId: string; sourceEventId: string; [field: string]: unknown };
  /** Status the receiver answered with. */
  status: number;
}

/**
 * A webhook endpoint on 127.0.0.1 that records every POST. `respond` decides the answer per
 * request (default 204); `delayMs` makes it slow.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (request: { body: ReceivedWebhook['body']; attempt: number }) => number = () => 204;
  delayMs = 0;
  private server?: Server;
  private baseUrl = '';

  get url(): string {
    return `${this.baseUrl}/hooks/notifications`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as ReceivedWebhook['body'];
        const attempt = this.received.filter((r) => r.body.notificationId === body.notificationId).length + 1;
        const status = this.respond({ body, attempt });
        setTimeout(() => {
          this.received.push({ at: Date.now(), headers: req.headers, body, status });
          res.writeHead(status).end();
        }, this.delayMs);
      });
    });
    this.server.keepAliveTimeout = 500;
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** POSTs for one event (by its id), in arrival order. */
  for(sourceEventId: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.body.sourceEventId === sourceEventId);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
