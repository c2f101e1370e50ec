import { ExponentialBackoff, handleWhen, retry, TaskCancelledError, timeout, TimeoutStrategy, wrap } from 'cockatiel';
import { tracedFetch } from '@boxoffice/telemetry';
import { Channel, DeliveryContext, DeliveryFailedError, DeliveryReceipt, OutgoingMessage } from './channel';

export interface WebhookOptions {
  /** Unset: every webhook delivery fails at once with a clear reason (and is dead-lettered). */
  url?: string;
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

/** A failure worth another try: network error, timeout, 408/425/429 or 5xx. */
class RetriableWebhookError extends Error {}

/** The receiver refused the message for good (another 4xx): retrying cannot help. */
class RejectedWebhookError extends Error {}

const RETRIABLE_STATUS = new Set([408, 425, 429]);

/**
 * POSTs the notification as JSON to the configured URL. Each attempt is bounded by a timeout;
 * failed attempts are retried with exponential backoff (jittered) via cockatiel, heartbeating the
 * consumer between attempts. The notification id travels as `Idempotency-Key`, so a receiver can
 * drop the repeat when an instance dies after the POST but before it recorded the delivery. The
 * current trace context is injected too (a no-op until OpenTelemetry is set up), so the receiver
 * can continue the trace of the event.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  private readonly policy;

  constructor(private readonly options: WebhookOptions) {
    const retries = retry(
      handleWhen((error) => error instanceof RetriableWebhookError || error instanceof TaskCancelledError),
      {
        maxAttempts: options.maxAttempts - 1,
        backoff: new ExponentialBackoff({ initialDelay: options.backoffInitialMs, maxDelay: options.backoffMaxMs }),
      },
    );
    this.policy = wrap(retries, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  }

  async deliver(message: OutgoingMessage, context: DeliveryContext): Promise<DeliveryReceipt> {
    const url = this.options.url;
    if (!url) throw new DeliveryFailedError('webhook', 'WEBHOOK_URL is not configured', 0);
    let attempts = 0;
    try {
      await this.policy.execute(async ({ signal }) => {
        if (attempts > 0) await context.heartbeat();
        attempts += 1;
        await this.post(url, message, signal);
      });
      return { attempts };
    } catch (error) {
      const reason = error instanceof TaskCancelledError ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new DeliveryFailedError('webhook', reason, attempts);
    }
  }

  private async post(url: string, message: OutgoingMessage, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': message.notificationId, 'user-agent': 'boxoffice-notify' };
    let response: Response;
    try {
      // A CLIENT span, and its traceparent on the request: the receiver continues the order's trace.
      response = await tracedFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(message),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RetriableWebhookError(`POST failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return;
    const reason = `receiver answered ${response.status}`;
    if (response.status >= 500 || RETRIABLE_STATUS.has(response.status)) throw new RetriableWebhookError(reason);
    throw new RejectedWebhookError(reason);
  }
}
