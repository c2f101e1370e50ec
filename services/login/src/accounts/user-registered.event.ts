import { buildEvent, Producer } from '@boxoffice/contracts';
import { outboxRecord, OutboxRecord } from '@boxoffice/outbox';
import { currentTraceContext } from '@boxoffice/telemetry';
import { NewAccount } from './accounts.repository';

export const USER_REGISTERED = 'login.user-registered.v1';

/** The outbox row announcing a new account; validated against the contract before it is stored. */
export function userRegisteredRecord(account: NewAccount, producer: Producer): OutboxRecord {
  const event = buildEvent(
    USER_REGISTERED,
    {
      userId: account.id,
      email: account.email,
      displayName: account.displayName,
      plan: account.plan,
      region: account.region,
      registeredAt: account.createdAt.toISOString(),
    },
    // Built inside the registration request: the event continues its trace.
    { producer, traceContext: currentTraceContext() },
  );
  return outboxRecord(USER_REGISTERED, event);
}
