// Box Office "flash sale burst": USERS logged-in buyers go for the same small tier (the seeded
// 50-seat hot tier) at once. Most must get 409 sold out; none may get a 5xx, and no seat may be
// sold twice. Same scenario as `npm run load -- --scenario flash-sale`.
//
// Environment: LOGIN_URL + CHECKOUT_URL (direct) or GATEWAY_URL + DOMAIN; USERS (default 200),
// RATE (orders/s, default 200), DURATION (default 10s), TIER_ID (default the hot tier).
import { buy, HOT_TIER_ID, register } from './common.js';

const users = Number(__ENV.USERS || 200);

export const options = {
  scenarios: {
    'flash-sale': {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 200),
      timeUnit: '1s',
      duration: __ENV.DURATION || '10s',
      preAllocatedVUs: users,
      maxVUs: users,
    },
  },
  // A sold-out answer is a 409: count only 5xx and timeouts as failures.
  thresholds: {
    'checks{check:no server error}': ['rate==1'],
    http_req_duration: ['p(99)<2000'],
  },
};

export function setup() {
  const tokens = [];
  for (let i = 0; i < users; i++) {
    const account = register(`flash-${i}`);
    if (account) tokens.push(account.token);
  }
  if (tokens.length === 0) throw new Error('could not register any account (is login rate-limiting registrations?)');
  return { tokens };
}

export default function (data) {
  buy(data.tokens[Math.floor(Math.random() * data.tokens.length)], HOT_TIER_ID);
}
