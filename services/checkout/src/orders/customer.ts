import type { Principal } from '@boxoffice/auth';
import { Customer, customerSchema } from '@boxoffice/contracts';
import { ProblemException } from '@boxoffice/http';

/**
 * The buyer as order events carry them, from the token. A token whose claims do not fit the
 * event contract is refused before anything is reserved (it could never be announced).
 */
export function customerFrom(principal: Principal): Customer {
  const parsed = customerSchema.safeParse(principal);
  if (parsed.success) return parsed.data;
  throw new ProblemException(403, 'customer-profile-invalid', 'Account cannot place orders', 'The account details in your token are incomplete or invalid.', {
    errors: parsed.error.issues.map((issue) => ({ field: `token.${issue.path.join('.')}`, reason: issue.message })),
  });
}
