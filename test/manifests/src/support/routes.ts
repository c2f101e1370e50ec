import 'reflect-metadata';
import * as path from 'node:path';
import { getRoutes } from '../checks/routes';
import { repoPath } from './paths';
import { readRepoFile } from './repo';

/**
 * A service's GET routes: the controllers its root module (services/<svc>/src/app.module.ts)
 * lists, loaded from where it imports them, read with Nest's own route metadata.
 */
export function serviceRoutes(service: string): string[] {
  const file = `services/${service}/src/app.module.ts`;
  const source = readRepoFile(file);
  if (/setGlobalPrefix|RouterModule/.test(readRepoFile(`services/${service}/src/main.ts`) + source)) {
    throw new Error(`${service} uses a global prefix or RouterModule: teach test/manifests/src/support/routes.ts about it`);
  }
  const imports = new Map<string, string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) for (const name of m[1].split(',').map((n) => n.trim().split(/\s+as\s+/).pop() ?? '')) if (name) imports.set(name, m[2]);
  const names = [...source.matchAll(/controllers:\s*\[([^\]]*)\]/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean));
  if (names.length === 0) throw new Error(`${file}: no controllers: [...] found`);
  const controllers = names.map((name) => {
    const from = imports.get(name);
    if (!from) throw new Error(`${file}: controller ${name} is not imported by name`);
    const specifier = from.startsWith('.') ? path.join(repoPath(`services/${service}/src`), from) : from;
    const controller = require(specifier)[name];
    if (typeof controller !== 'function') throw new Error(`${file}: ${name} from ${from} is not a class`);
    return controller;
  });
  return getRoutes(controllers);
}
