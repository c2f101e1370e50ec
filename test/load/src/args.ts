import { parseArgs } from 'node:util';
import { plannedIterations } from './runner';

export const SCENARIOS = ['browse-buy', 'flash-sale'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface LoadOptions {
  scenario: ScenarioName;
  /** Accounts used, and the most scenario iterations in flight at once. */
  users: number;
  /** Scenario iterations started per second (open model). */
  rate: number;
  durationSeconds: number;
  /** Hard cap on iterations, whatever rate and duration say (default: rate × duration). */
  maxIterations: number;
  loginUrl: string;
  checkoutUrl: string;
  /** Tier the flash sale buys (default: checkout's seeded 50-seat hot tier). */
  tierId: string;
  json: boolean;
}

export const HOT_TIER_ID = '0b0c5e00-0000-4000-8000-000000000051';

export const USAGE = `usage: load [--scenario browse-buy|flash-sale] [--users 20] [--rate 10] [--duration 30s]
            [--max-iterations rate×duration] [--login-url <url>] [--checkout-url <url>] [--tier <uuid>] [--json]
Without --login-url/--checkout-url it sends load to the demo running for this checkout (npm start).`;

/** Said when there is nothing to send load to. */
export const NO_TARGET =
  'no services to send load to: no demo is running for this checkout — start it with: npm start (or pass --login-url and --checkout-url)';

/** "30", "30s", "2m" → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: "${text}" is not a duration (e.g. 30s, 2m, 500ms)`);
  const value = Number(match[1]);
  const factor = match[2] === 'm' ? 60 : match[2] === 'ms' ? 0.001 : 1;
  return value * factor;
}

function positiveInt(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name}: must be an integer within 1..${max}, got "${text}"`);
  return value;
}

/** Load is only ever sent to this machine: a typo must not turn into load on someone else's host. */
export function loopbackUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--${name}: "${text}" is not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol)) throw new Error(`--${name}: must be http(s), got ${url.protocol}`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`--${name}: only loopback targets are allowed (127.0.0.1, localhost, [::1]), got ${url.hostname}`);
  return url.origin;
}

export function parseLoadArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      scenario: { type: 'string', default: 'browse-buy' },
      users: { type: 'string', default: '20' },
      rate: { type: 'string', default: '10' },
      duration: { type: 'string', default: '30s' },
      'max-iterations': { type: 'string' },
      // npm run load finds the running demo's services (LOGIN_URL, CHECKOUT_URL: libs/local-stack/src/with-local.ts)
      'login-url': { type: 'string', default: env.LOGIN_URL },
      'checkout-url': { type: 'string', default: env.CHECKOUT_URL },
      tier: { type: 'string', default: HOT_TIER_ID },
      json: { type: 'boolean', default: false },
    },
  });
  if (!(SCENARIOS as readonly string[]).includes(values.scenario)) throw new Error(`--scenario: one of ${SCENARIOS.join(', ')}, got "${values.scenario}"`);
  const durationSeconds = parseDuration(values.duration);
  if (durationSeconds <= 0 || durationSeconds > 3600) throw new Error(`--duration: must be within 0..1h, got "${values.duration}"`);
  if (!/^[0-9a-f-]{36}$/i.test(values.tier)) throw new Error(`--tier: must be a uuid, got "${values.tier}"`);
  const rate = positiveInt('rate', values.rate, 5000);
  const loginUrl = values['login-url'] === undefined ? undefined : loopbackUrl('login-url', values['login-url']);
  const checkoutUrl = values['checkout-url'] === undefined ? undefined : loopbackUrl('checkout-url', values['checkout-url']);
  if (!loginUrl || !checkoutUrl) throw new Error(NO_TARGET);
  return {
    scenario: values.scenario as ScenarioName,
    users: positiveInt('users', values.users, 1000),
    rate,
    durationSeconds,
    maxIterations: values['max-iterations'] === undefined ? plannedIterations(rate, durationSeconds) : positiveInt('max-iterations', values['max-iterations'], 1_000_000),
    loginUrl,
    checkoutUrl,
    tierId: values.tier,
    json: values.json,
  };
}
