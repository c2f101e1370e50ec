import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { EventPublisher } from '@boxoffice/kafka';
import { observeOutboxBacklog, tracedBatchSender } from '@boxoffice/telemetry';
import { createOutboxPool, OutboxRelay, OutboxRelayOptions } from './outbox-relay';

export const OUTBOX_POOL = Symbol('OUTBOX_POOL');

export interface OutboxModuleOptions extends OutboxRelayOptions {
  databaseUrl: string;
  /** Start the relay with the app (default true); tests may drive publishOnce() themselves. */
  autoStart?: boolean;
}

class OutboxLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopObservingBacklog?: () => void;

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(OUTBOX_POOL) private readonly pool: Pool,
    private readonly autoStart: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (this.autoStart) this.relay.start();
    this.stopObservingBacklog = observeOutboxBacklog(() => this.relay.backlog());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopObservingBacklog?.();
    await this.relay.stop();
    await this.pool.end();
  }
}

/**
 * The relay for a service whose database has the `outbox_event` table. Global, like KafkaModule
 * (registered beside it): one relay per process, which feature modules nudge after their commits.
 */
@Module({})
export class OutboxModule {
  static register({ databaseUrl, autoStart = true, ...relayOptions }: OutboxModuleOptions): DynamicModule {
    return {
      global: true,
      module: OutboxModule,
      providers: [
        { provide: OUTBOX_POOL, useFactory: () => createOutboxPool(databaseUrl) },
        {
          provide: OutboxRelay,
          inject: [OUTBOX_POOL, EventPublisher],
          // One PRODUCER span per row, continuing the trace of the request that wrote it.
          useFactory: (pool: Pool, publisher: EventPublisher) => new OutboxRelay(pool, () => tracedBatchSender(publisher.producer), relayOptions),
        },
        {
          provide: OutboxLifecycle,
          inject: [OutboxRelay, OUTBOX_POOL],
          useFactory: (relay: OutboxRelay, pool: Pool) => new OutboxLifecycle(relay, pool, autoStart),
        },
      ],
      exports: [OutboxRelay],
    };
  }
}
