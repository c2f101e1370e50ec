import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '@boxoffice/config';
import { z } from 'zod';
import { KEY_PATTERN } from './format';

/** Environments the flag files can tell apart (the `environment` context key, `env-*` segments). */
export const FLAG_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type FlagEnvironment = (typeof FLAG_ENVIRONMENTS)[number];

const unsetWhenEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const flagsEnv = z.object({
  FLIPT_URL: z.preprocess(
    unsetWhenEmpty,
    z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL of the Flipt server' }).optional(),
  ),
  FLIPT_NAMESPACE: z.string().regex(KEY_PATTERN, 'must be a Flipt namespace key (letters, digits, "-", "_")').default('boxoffice'),
  FLIPT_CLIENT_TOKEN: z.preprocess(unsetWhenEmpty, z.string().min(1).optional()),
  FLAGS_DIR: z.string().min(1).default('k8s/flags'),
  FLAGS_ENVIRONMENT: z.enum(FLAG_ENVIRONMENTS).default('dev'),
  FLAGS_REFRESH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
});

export type FlagsEnv = z.infer<typeof flagsEnv>;

/**
 * The flag settings of an already validated service config, as the environment FlagsModule and
 * loadFlagsSettings read: services extend their config with `flagsEnv.shape` and pass this on.
 */
export function flagsEnvOf(config: FlagsEnv): NodeJS.ProcessEnv {
  return {
    FLIPT_URL: config.FLIPT_URL,
    FLIPT_NAMESPACE: config.FLIPT_NAMESPACE,
    FLIPT_CLIENT_TOKEN: config.FLIPT_CLIENT_TOKEN,
    FLAGS_DIR: config.FLAGS_DIR,
    FLAGS_ENVIRONMENT: config.FLAGS_ENVIRONMENT,
    FLAGS_REFRESH_INTERVAL_MS: String(config.FLAGS_REFRESH_INTERVAL_MS),
  };
}

export type FlagSourceOptions =
  /** `watch: false` relies on polling alone (fs.watch is on by default). */
  | { kind: 'files'; dir: string; watch?: boolean }
  | { kind: 'flipt'; url: string; clientToken?: string; timeoutMs?: number; fliptEnvironment?: string };

export interface FlagsSettings {
  source: FlagSourceOptions;
  namespace: string;
  environment: FlagEnvironment;
  refreshIntervalMs: number;
}

/**
 * Reads the flag settings from the environment and fails fast, naming the variable:
 * `FLIPT_URL` set → the Flipt server's snapshot; otherwise the flag files in `FLAGS_DIR`
 * (resolved against `cwd`), which must exist.
 */
export function loadFlagsSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): FlagsSettings {
  const config = loadConfig(flagsEnv, env);
  const common = {
    namespace: config.FLIPT_NAMESPACE,
    environment: config.FLAGS_ENVIRONMENT,
    refreshIntervalMs: config.FLAGS_REFRESH_INTERVAL_MS,
  };
  if (config.FLIPT_URL) {
    return { ...common, source: { kind: 'flipt', url: config.FLIPT_URL, clientToken: config.FLIPT_CLIENT_TOKEN } };
  }
  const dir = path.resolve(cwd, config.FLAGS_DIR);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError([
      `FLAGS_DIR: no flag directory at ${dir} (set FLAGS_DIR to the directory holding .flipt.yml, or FLIPT_URL to use a Flipt server) (got "${config.FLAGS_DIR}")`,
    ]);
  }
  return { ...common, source: { kind: 'files', dir } };
}
