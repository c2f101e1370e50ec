import { assertEvent, EventOf, keyOf, Topic } from '@boxoffice/contracts';
import { eventHeaders } from '@boxoffice/kafka';

/** A row of the `outbox_event` table, as the owning service inserts it in its transaction. */
export interface OutboxRecord {
  id: string;
  topic: string;
  key: string;
  type: string;
  payload: object;
  headers: Record<string, string>;
}

/**
 * Validates the event against its contract and shapes it as an outbox row. Insert the result in
 * the same database transaction as the state change it announces.
 */
export function outboxRecord<T extends Topic>(topic: T, event: EventOf<T>): OutboxRecord {
  const valid = assertEvent(topic, event);
  const headers = Object.fromEntries(Object.entries(eventHeaders(valid)).map(([name, value]) => [name, String(value)]));
  return { id: valid.eventId, topic, key: keyOf(topic, valid), type: topic, payload: valid, headers };
}
