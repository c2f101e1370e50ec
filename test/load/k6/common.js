// Shared by the k6 scenarios: where the services are, and the requests every scenario makes.
import http from 'k6/http';
import { check } from 'k6';

/** checkout's seeded 50-seat hot tier (services/checkout/src/catalog/demo-catalog.ts). */
export const HOT_TIER_ID = __ENV.TIER_ID || '0b0c5e00-0000-4000-8000-000000000051';
export const PASSWORD = 'load-test harbour lantern 42';

// Direct URLs on a laptop; in a cluster every request goes through the ingress gateway with
// Host <service>.<DOMAIN>.
export function target(service) {
  const direct = __ENV[`${service.toUpperCase()}_URL`];
  if (direct) return { base: direct, headers: {} };
  const gateway = __ENV.GATEWAY_URL;
  const domain = __ENV.DOMAIN;
  if (!gateway || !domain) {
    throw new Error(`set ${service.toUpperCase()}_URL, or GATEWAY_URL and DOMAIN`);
  }
  return { base: gateway, headers: { Host: `${service}.${domain}` } };
}

export const login = target('login');
export const checkout = target('checkout');

/** A random UUID v4 for Idempotency-Key (no remote jslib: clusters may have no internet). */
export function uuidv4() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

export function jsonParams(headers, tags) {
  return { headers: Object.assign({ 'Content-Type': 'application/json' }, headers), tags };
}

/** Registers a fresh account; returns its credentials and access token (undefined on failure). */
export function register(label) {
  const email = `k6-${label}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.test`;
  const response = http.post(
    `${login.base}/auth/register`,
    JSON.stringify({ email, password: PASSWORD, displayName: `k6 ${label}` }),
    jsonParams(login.headers, { step: 'register' }),
  );
  check(response, { 'registered (201)': (r) => r.status === 201 });
  return response.status === 201 ? { email, token: response.json('accessToken') } : undefined;
}

/** One seat of `tierId`; 201 and 409 (sold out) are both correct answers. */
export function buy(token, tierId) {
  const response = http.post(
    `${checkout.base}/orders`,
    JSON.stringify({ tierId, quantity: 1 }),
    jsonParams(Object.assign({ Authorization: `Bearer ${token}`, 'Idempotency-Key': uuidv4() }, checkout.headers), { step: 'order' }),
  );
  check(response, {
    'order answered (201 or 409)': (r) => r.status === 201 || r.status === 409,
    'no server error': (r) => r.status < 500,
  });
  return response;
}
