import { Logger } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, retry, RetryPolicy } from 'cockatiel';
import { DeliveryFailedError } from '../channels/channel';

/** The message kept failing while its dependencies were up: it is poison, dead-letter it. */
export class ProcessingFailedError extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(`failed ${attempts} time${attempts === 1 ? '' : 's'}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = 'ProcessingFailedError';
  }
}

/** Shutdown began while waiting for a dependency: leave the message uncommitted for the next owner. */
export class ShutdownInProgressError extends Error {
  constructor() {
    super('shutdown in progress: message left uncommitted for redelivery');
    this.name = 'ShutdownInProgressError';
  }
}

export interface ProcessingRetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often to look whether a dependency is back during an outage. */
  outagePollMs?: number;
}

export interface ProcessingDependencies {
  /** True when the dependencies answer: a failure then is the message's own. */
  healthy(): Promise<boolean>;
  /** True once shutdown has begun. */
  stopping(): boolean;
}

/**
 * Runs a message's processing with a bounded number of attempts. A failure while the database is
 * down is not the message's fault: the partition waits (heartbeating) until it is back and the
 * attempt does not count, so an outage never floods the dead-letter topic. A failure while
 * everything is up counts; after the last attempt the message is poison.
 * Channel delivery failures arrive already retried by the channel and are passed straight on.
 */
export class ProcessingRetry {
  private readonly logger = new Logger(ProcessingRetry.name);
  private readonly policy: RetryPolicy;
  private readonly outagePollMs: number;

  constructor(
    options: ProcessingRetryOptions,
    private readonly dependencies: ProcessingDependencies,
  ) {
    this.outagePollMs = options.outagePollMs ?? 1_000;
    this.policy = retry(
      handleWhen((error) => !(error instanceof DeliveryFailedError) && !(error instanceof ShutdownInProgressError)),
      {
        maxAttempts: options.maxAttempts - 1,
        backoff: new ExponentialBackoff({ initialDelay: options.backoffInitialMs ?? 100, maxDelay: options.backoffMaxMs ?? 2_000 }),
      },
    );
  }

  async run<T>(work: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    let attempts = 0;
    try {
      return await this.policy.execute(async () => {
        if (attempts > 0) await heartbeat();
        attempts += 1;
        return this.runThroughOutages(work, heartbeat);
      });
    } catch (error) {
      if (error instanceof DeliveryFailedError || error instanceof ShutdownInProgressError) throw error;
      throw new ProcessingFailedError(error, attempts);
    }
  }

  private async runThroughOutages<T>(work: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof DeliveryFailedError || (await this.dependencies.healthy())) throw error;
        await this.waitForDependencies(error, heartbeat);
      }
    }
  }

  private async waitForDependencies(cause: unknown, heartbeat: () => Promise<void>): Promise<void> {
    this.logger.warn(`database unreachable (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}); holding the message until it is back`);
    for (;;) {
      if (this.dependencies.stopping()) throw new ShutdownInProgressError();
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, this.outagePollMs));
      if (await this.dependencies.healthy()) return;
    }
  }
}
