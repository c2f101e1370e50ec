import { randomUUID } from 'node:crypto';

/** Answers that settle an order for good: confirmed, or failed with the seats released. */
const FINAL_ORDER_STATUSES = new Set([201, 402, 502, 504]);
/** Answers a client retries with the same Idempotency-Key: busy, in progress, or the server hiccuped. */
const RETRIED_STATUSES = new Set([409, 500, 503]);

export interface LoadTally {
  /** HTTP requests sent (first tries and retries). */
  requests: number;
  /** Answers by status; `error` is a connection refused or reset. */
  statuses: Map<number | 'error', number>;
  /** Orders that got a final answer (their ids). */
  settled: string[];
  /** Orders that never got a final answer within the retry budget (their Idempotency-Keys). */
  gaveUp: string[];
  /** Answers that are neither final nor retried: the load itself is wrong (e.g. 400, 401). */
  unexpected: string[];
}

export interface OrderLoadOptions {
  checkoutUrl: string;
  tokens: string[];
  tierId: string;
  orders: number;
  concurrency: number;
  /** Pause between one worker's orders, to spread the load over the fault. */
  pauseMs: number;
  /** How long one order keeps retrying before the client gives up. */
  retryForMs: number;
  /** Stops placing new orders once this says so (a service died: waiting would only waste time). */
  stop?: () => boolean;
}

export function emptyTally(): LoadTally {
  return { requests: 0, statuses: new Map(), settled: [], gaveUp: [], unexpected: [] };
}

function count(tally: LoadTally, status: number | 'error'): void {
  tally.requests += 1;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One order as a careful client places it: one Idempotency-Key, retried with backoff until a final answer. */
async function placeOrder(options: OrderLoadOptions, token: string, tally: LoadTally): Promise<void> {
  const key = randomUUID();
  const deadline = Date.now() + options.retryForMs;
  for (let attempt = 0; ; attempt++) {
    let status: number | 'error';
    let body: { id?: string } = {};
    try {
      const response = await fetch(`${options.checkoutUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body: JSON.stringify({ tierId: options.tierId, quantity: 1 }),
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      body = (await response.json().catch(() => ({}))) as { id?: string };
    } catch {
      status = 'error';
    }
    count(tally, status);
    if (typeof status === 'number' && FINAL_ORDER_STATUSES.has(status)) {
      tally.settled.push(body.id ?? key);
      return;
    }
    if (status !== 'error' && !RETRIED_STATUSES.has(status)) {
      tally.unexpected.push(`${status} ${JSON.stringify(body).slice(0, 200)}`);
      return;
    }
    if (Date.now() > deadline || options.stop?.()) {
      tally.gaveUp.push(key);
      return;
    }
    await sleep(Math.min(2_000, 100 * 2 ** attempt));
  }
}

/** `orders` orders over `concurrency` workers, each pausing between orders: bounded in count and time. */
export async function runOrderLoad(options: OrderLoadOptions, tally: LoadTally = emptyTally()): Promise<LoadTally> {
  let next = 0;
  const worker = async (w: number) => {
    while (next < options.orders && !options.stop?.()) {
      next += 1;
      await placeOrder(options, options.tokens[(next + w) % options.tokens.length], tally);
      await sleep(options.pauseMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  return tally;
}

/** Registers accounts as a client would, retrying a hiccup; a 409 after a retry means the first try got through. */
export async function registerAccounts(loginUrl: string, accounts: number, tally: LoadTally, retryForMs = 30_000): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < accounts; i++) {
    const email = `fault-${randomUUID().slice(0, 12)}@example.test`;
    const password = `fault tier password ${randomUUID()}`;
    const deadline = Date.now() + retryForMs;
    for (let attempt = 0; ; attempt++) {
      let status: number | 'error';
      let body: { accessToken?: string } = {};
      try {
        const response = await fetch(`${loginUrl}/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, displayName: `Fault ${i}` }),
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        body = (await response.json().catch(() => ({}))) as { accessToken?: string };
      } catch {
        status = 'error';
      }
      count(tally, status);
      if (status === 201 && body.accessToken) {
        tokens.push(body.accessToken);
        break;
      }
      if (status === 409 && attempt > 0) break;
      if (status !== 'error' && !RETRIED_STATUSES.has(status)) {
        tally.unexpected.push(`register ${status} ${JSON.stringify(body).slice(0, 200)}`);
        break;
      }
      if (Date.now() > deadline) {
        tally.gaveUp.push(email);
        break;
      }
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }
  return tokens;
}
