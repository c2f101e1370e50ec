/** host:port/database of a connection URL, for error messages: never the credentials. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export class DatabaseUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`PostgreSQL not reachable at ${describeDatabaseUrl(url)} (${reason}). Local stack: npm run stack -- up`);
    this.name = 'DatabaseUnavailableError';
  }
}
