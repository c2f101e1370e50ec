import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { ConfigError, databaseUrlFor, type Env, type ServiceName } from './env';

/** How the programmatic API names what to migrate: a service of this repo, or a schema file. */
export interface TargetOptions {
  /** One of the repo's services; implies `services/<service>/prisma/schema.prisma`. */
  service?: ServiceName;
  /** A `schema.prisma` path; its migrations are in `migrations/` next to it (Prisma's default). */
  schemaPath?: string;
  /** Overrides the migrations directory. */
  migrationsDir?: string;
  /** Database URL; default `databaseUrlFor(service, env)`. */
  url?: string;
  /** Environment for `databaseUrlFor`; default `process.env`. */
  env?: Env;
  /** Repository root; default: found by walking up from this file, then from the cwd. */
  rootDir?: string;
}

export interface ResolvedTarget {
  label: string;
  service?: ServiceName;
  schemaPath: string;
  migrationsDir: string;
}

const ROOT_MARKER = 'package.json';

/** The monorepo root: the nearest ancestor whose package.json declares workspaces and has services/. */
export function findRepoRoot(start?: string): string {
  const candidates = start ? [start] : [__dirname, process.cwd()];
  for (const from of candidates) {
    let dir = path.resolve(from);
    for (;;) {
      const pkg = path.join(dir, ROOT_MARKER);
      if (existsSync(pkg) && existsSync(path.join(dir, 'services'))) {
        try {
          if (JSON.parse(readFileSync(pkg, 'utf-8')).workspaces) return dir;
        } catch {
          // not a JSON package.json: keep walking
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new ConfigError('cannot find the repository root (a package.json with workspaces next to services/)');
}

export function serviceDir(service: ServiceName, rootDir?: string): string {
  return path.join(rootDir ?? findRepoRoot(), 'services', service);
}

export function resolveTarget(options: TargetOptions): ResolvedTarget {
  let schemaPath: string;
  if (options.schemaPath) {
    schemaPath = path.resolve(options.schemaPath);
  } else if (options.service) {
    schemaPath = path.join(serviceDir(options.service, options.rootDir), 'prisma', 'schema.prisma');
  } else {
    throw new ConfigError('either service or schemaPath is required');
  }
  const migrationsDir = path.resolve(options.migrationsDir ?? path.join(path.dirname(schemaPath), 'migrations'));
  return {
    label: options.service ?? path.relative(process.cwd(), schemaPath),
    service: options.service,
    schemaPath,
    migrationsDir,
  };
}

/** The database URL for a target: explicit `url`, else the service's env convention. */
export function resolveUrl(options: TargetOptions): string {
  if (options.url) return options.url;
  if (!options.service) throw new ConfigError('a database url is required when no service is given');
  return databaseUrlFor(options.service, options.env ?? process.env);
}
