import { randomUUID } from 'node:crypto';
import { LoadOptions } from './args';
import { call } from './http';
import { LoadRecorder } from './stats';

export interface Account {
  email: string;
  password: string;
  accessToken: string;
}

interface Tier {
  id: string;
  seatsLeft: number;
}

interface EventList {
  events: Array<{ id: string; tiers: Tier[] }>;
}

const PASSWORD = 'load-test harbour lantern 42';

/** Creates the accounts the scenario logs in with (not counted in the run's figures). */
export async function registerAccounts(options: LoadOptions, runId: string): Promise<Account[]> {
  const setup = new LoadRecorder();
  const accounts: Account[] = [];
  const next = { index: 0 };
  const worker = async () => {
    while (next.index < options.users) {
      const i = next.index++;
      const email = `load-${runId}-${i}@example.test`;
      const reply = await call(setup, {
        step: 'register',
        method: 'POST',
        url: `${options.loginUrl}/auth/register`,
        body: { email, password: PASSWORD, displayName: `Load user ${i}` },
        expect: [201],
      });
      if (reply?.status === 429) {
        throw new Error('login refused more registrations (429): start login with a higher RATE_LIMIT_REGISTER_PER_IP (e.g. 100000/1m) for load tests');
      }
      if (reply?.status !== 201) throw new Error(`registering ${email} failed: ${reply ? `${reply.status} ${JSON.stringify(reply.body)}` : 'no answer'} from ${options.loginUrl}`);
      accounts.push({ email, password: PASSWORD, accessToken: (reply.body as { accessToken: string }).accessToken });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, options.users) }, worker));
  return accounts;
}

export type Iteration = (i: number) => Promise<void>;

/** A buyer's visit: browse the catalog, open an event, log in, buy one seat of a tier with seats left. */
export function browseLoginBuy(options: LoadOptions, accounts: Account[], recorder: LoadRecorder): Iteration {
  return async (i) => {
    const list = await call(recorder, { step: 'GET /events', url: `${options.checkoutUrl}/events`, expect: [200] });
    const events = (list?.body as EventList | undefined)?.events ?? [];
    if (events.length === 0) return;
    const event = events[i % events.length];
    await call(recorder, { step: 'GET /events/:id', url: `${options.checkoutUrl}/events/${event.id}`, expect: [200] });
    const account = accounts[i % accounts.length];
    const login = await call(recorder, {
      step: 'POST /auth/login',
      method: 'POST',
      url: `${options.loginUrl}/auth/login`,
      body: { email: account.email, password: account.password },
      expect: [200],
    });
    const token = (login?.body as { accessToken?: string } | undefined)?.accessToken;
    const tier = event.tiers.find((t) => t.seatsLeft > 0 && t.id !== options.tierId);
    if (!token || !tier) return;
    await buy(recorder, options, token, tier.id);
  };
}

/** Everyone at once for the same small tier: most get 409 sold out, none may get a 5xx. */
export function flashSale(options: LoadOptions, accounts: Account[], recorder: LoadRecorder): Iteration {
  return async (i) => {
    await buy(recorder, options, accounts[i % accounts.length].accessToken, options.tierId);
  };
}

function buy(recorder: LoadRecorder, options: LoadOptions, token: string, tierId: string) {
  return call(recorder, {
    step: 'POST /orders',
    method: 'POST',
    url: `${options.checkoutUrl}/orders`,
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    body: { tierId, quantity: 1 },
    // 409: sold out (or only a few left) is a correct answer, not a failure.
    expect: [201, 409],
  });
}
