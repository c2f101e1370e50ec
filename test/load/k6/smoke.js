// Box Office smoke load: register, log in, browse events, buy a ticket.
//
// Runs unchanged on a laptop (`k6 run test/load/k6/smoke.js` with LOGIN_URL, CHECKOUT_URL
// and NOTIFY_URL pointing at local services) and in a cluster, where the load-test
// component's Job mounts this file and sends every request through the environment's
// ingress gateway (GATEWAY_URL) with Host <service>.<DOMAIN>.
//
// Environment: LOGIN_URL, CHECKOUT_URL, NOTIFY_URL (direct) or GATEWAY_URL + DOMAIN;
// VUS (default 5), DURATION (default 1m).
import http from 'k6/http';
import { check, group, sleep } from 'k6';

const paths = {
  register: '/auth/register',
  login: '/auth/login',
  events: '/events',
  orders: '/orders',
};

export const options = {
  vus: Number(__ENV.VUS || 5),
  duration: __ENV.DURATION || '1m',
  thresholds: {
    http_req_failed: ['rate<0.05'],
    http_req_duration: ['p(95)<1000'],
  },
};

function target(service) {
  const direct = __ENV[`${service.toUpperCase()}_URL`];
  if (direct) return { base: direct, headers: {} };
  const gateway = __ENV.GATEWAY_URL;
  const domain = __ENV.DOMAIN;
  if (!gateway || !domain) {
    throw new Error(`set ${service.toUpperCase()}_URL, or GATEWAY_URL and DOMAIN`);
  }
  return { base: gateway, headers: { Host: `${service}.${domain}` } };
}

const login = target('login');
const checkout = target('checkout');

function jsonParams(headers) {
  return { headers: Object.assign({ 'Content-Type': 'application/json' }, headers) };
}

export default function () {
  const email = `k6-${__VU}-${__ITER}-${Date.now()}@example.test`;
  const password = 'k6-Load-Test-Password-1';
  let token;

  group('register and log in', () => {
    const registered = http.post(
      `${login.base}${paths.register}`,
      JSON.stringify({ email, password }),
      jsonParams(login.headers),
    );
    check(registered, { 'registered (2xx)': (r) => r.status >= 200 && r.status < 300 });

    const loggedIn = http.post(
      `${login.base}${paths.login}`,
      JSON.stringify({ email, password }),
      jsonParams(login.headers),
    );
    check(loggedIn, { 'logged in (200)': (r) => r.status === 200 });
    token = loggedIn.status === 200 ? loggedIn.json('accessToken') : undefined;
  });

  let eventId;
  group('browse events', () => {
    const events = http.get(`${checkout.base}${paths.events}`, { headers: checkout.headers });
    check(events, { 'events listed (200)': (r) => r.status === 200 });
    if (events.status === 200) {
      const list = events.json();
      const items = Array.isArray(list) ? list : list.items || [];
      if (items.length > 0) eventId = items[Math.floor(Math.random() * items.length)].id;
    }
  });

  if (token && eventId) {
    group('buy', () => {
      const order = http.post(
        `${checkout.base}${paths.orders}`,
        JSON.stringify({ eventId, quantity: 1 }),
        jsonParams(Object.assign({ Authorization: `Bearer ${token}` }, checkout.headers)),
      );
      check(order, { 'order accepted (2xx)': (r) => r.status >= 200 && r.status < 300 });
    });
  }

  sleep(1);
}
