import type { Principal } from '@boxoffice/auth';
import type { FlagContext } from '@boxoffice/flags';

/** What flags see of a buyer: the user id (Flipt's entity id, so percentages are stable per user), plan and region. */
export function flagContextOf(principal: Principal): FlagContext {
  return { userId: principal.userId, plan: principal.plan, region: principal.region };
}
