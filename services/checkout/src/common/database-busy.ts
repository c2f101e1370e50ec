import { ProblemException } from '@boxoffice/http';

/**
 * Errors that mean "too many requests for the database right now": no pool connection or
 * transaction slot within the wait limits. They become a 503 with Retry-After, never a 500.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'P2024' || code === 'P2028') return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Unable to start a transaction in the given time|Transaction already closed/i.test(message);
}

export function databaseBusy(): ProblemException {
  return new ProblemException(503, 'busy', 'Service busy', 'Too many orders at once; nothing was reserved. Retry shortly with the same Idempotency-Key.', {}, { 'Retry-After': '1' });
}
