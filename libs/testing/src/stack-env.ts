/** Connection settings of the running local stack, as exported by `npm run stack -- env`. */
export interface StackEnv {
  databaseHost: string;
  databasePort: number;
  databaseUser: string;
  databasePassword: string;
  kafkaBrokers: string[];
}

const REQUIRED = ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD', 'KAFKA_BROKERS'] as const;

/** Integration tests run against the real stack; without it they stop with the fix, not a timeout. */
export function requireStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need the local stack (missing ${missing.join(', ')}): run them with "npm test", or "npm run stack -- up" and then eval "$(npm run -s stack -- env)"`,
    );
  }
  return {
    databaseHost: env.DATABASE_HOST!,
    databasePort: Number(env.DATABASE_PORT),
    databaseUser: env.DATABASE_USER!,
    databasePassword: env.DATABASE_PASSWORD!,
    kafkaBrokers: env.KAFKA_BROKERS!.split(','),
  };
}

export function databaseUrl(stack: StackEnv, database: string): string {
  const user = encodeURIComponent(stack.databaseUser);
  const password = encodeURIComponent(stack.databasePassword);
  return `postgresql://${user}:${password}@${stack.databaseHost}:${stack.databasePort}/${database}`;
}
