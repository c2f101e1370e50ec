// Box Office "browse → log in → buy": every iteration lists the events, opens one, logs in and
// buys one seat of a tier that has seats left. Same scenario as `npm run load -- --scenario browse-buy`.
//
// Environment: LOGIN_URL + CHECKOUT_URL (direct) or GATEWAY_URL + DOMAIN; USERS (accounts and
// most VUs, default 20), RATE (iterations/s, default 10), DURATION (default 1m).
import http from 'k6/http';
import { check } from 'k6';
import { buy, checkout, HOT_TIER_ID, jsonParams, login, PASSWORD, register } from './common.js';

const users = Number(__ENV.USERS || __ENV.VUS || 20);

export const options = {
  scenarios: {
    'browse-buy': {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: users,
      maxVUs: users,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.05'],
    http_req_duration: ['p(95)<1000'],
  },
};

export function setup() {
  const accounts = [];
  for (let i = 0; i < users; i++) {
    const account = register(`browse-${i}`);
    if (account) accounts.push(account);
  }
  if (accounts.length === 0) throw new Error('could not register any account (is login rate-limiting registrations?)');
  return { accounts };
}

export default function (data) {
  const events = http.get(`${checkout.base}/events`, { headers: checkout.headers, tags: { step: 'events' } });
  check(events, { 'events listed (200)': (r) => r.status === 200 });
  if (events.status !== 200) return;
  const list = events.json('events') || [];
  if (list.length === 0) return;
  const event = list[Math.floor(Math.random() * list.length)];
  const detail = http.get(`${checkout.base}/events/${event.id}`, { headers: checkout.headers, tags: { step: 'event' } });
  check(detail, { 'event shown (200)': (r) => r.status === 200 });

  const account = data.accounts[Math.floor(Math.random() * data.accounts.length)];
  const loggedIn = http.post(
    `${login.base}/auth/login`,
    JSON.stringify({ email: account.email, password: PASSWORD }),
    jsonParams(login.headers, { step: 'login' }),
  );
  check(loggedIn, { 'logged in (200)': (r) => r.status === 200 });
  const tier = (event.tiers || []).find((t) => t.seatsLeft > 0 && t.id !== HOT_TIER_ID);
  if (loggedIn.status === 200 && tier) buy(loggedIn.json('accessToken'), tier.id);
}
