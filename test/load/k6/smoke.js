// The load-test Job's entry point (kustomize/components/load-test runs /scripts/smoke.js).
// SCENARIO picks what runs: browse-buy (default: browse → log in → buy, browse-buy.js) or
// flash-sale (everyone at once for the hot tier, flash-sale.js). Each file also runs on its own.
//
// Runs unchanged on a laptop (`k6 run test/load/k6/smoke.js` with LOGIN_URL and CHECKOUT_URL
// pointing at local services) and in a cluster, where every request goes through the
// environment's ingress gateway (GATEWAY_URL) with Host <service>.<DOMAIN>.
//
// Environment: SCENARIO; USERS (or VUS), RATE, DURATION; see the scenario files.
import * as browseBuy from './browse-buy.js';
import * as flashSale from './flash-sale.js';

const scenarios = { 'browse-buy': browseBuy, 'flash-sale': flashSale };
const name = __ENV.SCENARIO || 'browse-buy';
const chosen = scenarios[name];
if (!chosen) throw new Error(`SCENARIO must be one of ${Object.keys(scenarios).join(', ')}, got "${name}"`);

export const options = chosen.options;
export const setup = chosen.setup;
export default chosen.default;
