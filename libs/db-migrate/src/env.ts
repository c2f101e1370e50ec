/**
 * The connection convention shared by the migrate tool, the services and the local stack.
 *
 * A service's database URL is, in order of precedence:
 *   1. `DATABASE_URL_<SERVICE>` (e.g. `DATABASE_URL_CHECKOUT`), used as is;
 *   2. built from `DATABASE_HOST`, `DATABASE_PORT` (default 5432), `DATABASE_USER` and
 *      `DATABASE_PASSWORD` (may be set to the empty string for password-less auth),
 *      with the database name `boxoffice_<service>`.
 *
 * Errors are one line and name the variable to fix; passwords are never echoed.
 */

export const SERVICES = ['login', 'checkout', 'notify'] as const;
export type ServiceName = (typeof SERVICES)[number];

export type Env = Record<string, string | undefined>;

/** A configuration problem the user must fix; the message is a single line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}

export function assertServiceName(value: string): ServiceName {
  if (!isServiceName(value)) {
    throw new ConfigError(`unknown service "${value}": expected one of ${SERVICES.join(', ')}`);
  }
  return value;
}

/** `boxoffice_<service>` */
export function databaseNameFor(service: ServiceName): string {
  return `boxoffice_${service}`;
}

/** `DATABASE_URL_<SERVICE>` */
export function databaseUrlVariable(service: ServiceName): string {
  return `DATABASE_URL_${service.toUpperCase()}`;
}

const PART_VARIABLES = ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD'] as const;

/**
 * The PostgreSQL URL of `service`'s own database, from `env` (default `process.env`).
 * Throws {@link ConfigError} naming the missing or malformed variable.
 */
export function databaseUrlFor(service: ServiceName, env: Env = process.env): string {
  assertServiceName(service);
  const urlVariable = databaseUrlVariable(service);
  const explicit = env[urlVariable];
  if (explicit !== undefined && explicit.trim() !== '') {
    validatePostgresUrl(explicit.trim(), urlVariable);
    return explicit.trim();
  }

  const anyPart = PART_VARIABLES.some((name) => env[name] !== undefined && env[name] !== '');
  if (!anyPart) {
    throw new ConfigError(
      `no database configured for ${service}: set ${urlVariable}, or DATABASE_HOST, DATABASE_PORT, DATABASE_USER and DATABASE_PASSWORD`,
    );
  }

  const host = required(env, 'DATABASE_HOST', urlVariable);
  if (/[\s/?#@]/.test(host)) {
    throw new ConfigError(`DATABASE_HOST must be a bare host name or IP address (got "${host}")`);
  }
  const portText = (env.DATABASE_PORT ?? '').trim() || '5432';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new ConfigError(`DATABASE_PORT must be a port number between 1 and 65535 (got "${portText}")`);
  }
  const user = required(env, 'DATABASE_USER', urlVariable);
  const password = env.DATABASE_PASSWORD;
  if (password === undefined) {
    throw new ConfigError(
      `DATABASE_PASSWORD is not set (set it, to the empty string for password-less auth, or set ${urlVariable})`,
    );
  }

  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const auth = password === '' ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `postgresql://${auth}@${hostPart}:${portText}/${databaseNameFor(service)}`;
}

function required(env: Env, name: string, urlVariable: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigError(`${name} is not set (needed to build the database URL; or set ${urlVariable})`);
  }
  return value;
}

/** Throws a one-line {@link ConfigError} unless `url` is a postgres URL naming a database. */
export function validatePostgresUrl(url: string, source = 'database URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${source} is not a valid URL (expected postgresql://user:password@host:port/database)`);
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new ConfigError(`${source} must start with postgresql:// (got "${parsed.protocol}//…")`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new ConfigError(`${source} must name a database in its path (postgresql://…/<database>): ${redactUrl(url)}`);
  }
  return parsed;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
