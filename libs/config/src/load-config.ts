import { z } from 'zod';

/** Raised when the environment does not satisfy a service's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables once, at startup, into a typed object.
 * Every problem names the variable, so a bad deployment fails fast and says why.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // Transformed values (lists) report nested paths such as KAFKA_BROKERS.0: the variable is the first segment.
    const variable = String(issue.path[0] ?? '(environment)');
    const value = env[variable];
    const shown = value === undefined ? 'not set' : `got "${isSecretName(variable) ? '***' : value}"`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

function isSecretName(name: string): boolean {
  return /PASSWORD|SECRET|KEY|TOKEN/i.test(name);
}
