import { once } from 'node:events';
import { connect, createServer, Server, Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A TCP proxy in front of the real Kafka broker that a test can cut and restore, to make the
 * broker unreachable for one client without stopping the shared broker.
 *
 * A plain proxy is not enough: after the first metadata request kafkajs connects to the address
 * the broker advertises, bypassing any proxy. `socketFactory()` is therefore given to the client
 * under test and sends every broker connection, whatever address it names, through this proxy.
 */
export class BrokerProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;
  /** Connections accepted so far: proof the client really went through the proxy. */
  connections = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static to(broker: string): BrokerProxy {
    const [host, port] = broker.split(':');
    return new BrokerProxy({ host, port: Number(port) });
  }

  get address(): string {
    return `127.0.0.1:${this.listenPort}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.connections += 1;
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.listenPort, '127.0.0.1');
    await once(server, 'listening');
    this.listenPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** The broker becomes unreachable: open connections are reset, new ones refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The broker is reachable again, on the same address. */
  restore(): Promise<void> {
    return this.start();
  }

  socketFactory(): ISocketFactory {
    return ({ onConnect }) => {
      const socket = connect({ host: '127.0.0.1', port: this.listenPort }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    };
  }
}
