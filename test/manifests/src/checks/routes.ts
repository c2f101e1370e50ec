import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { K8sObject } from '../support/objects';

type Controller = abstract new (...args: never[]) => unknown;

const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
const paths = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [value === undefined ? '/' : String(value)]);

/** GET routes of Nest controllers, read from the metadata Nest itself routes by (@Controller, @Get). */
export function getRoutes(controllers: readonly Controller[], globalPrefix = ''): string[] {
  const out = new Set<string>();
  for (const controller of controllers) {
    const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method !== RequestMethod.GET && method !== RequestMethod.ALL) continue;
      for (const b of base) for (const p of paths(Reflect.getMetadata(PATH_METADATA, handler))) out.add(join(globalPrefix, b, p));
    }
  }
  return [...out].sort();
}

/** Every httpGet probe of a Rollout's containers asks a GET route the service serves. */
export function probeProblems(rollout: K8sObject, routes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const c of rollout.spec.template.spec.containers) {
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const probe = c[kind];
      if (!probe) {
        problems.push(`Rollout ${rollout.metadata.name}/${c.name}: no ${kind}`);
        continue;
      }
      const path = probe.httpGet?.path;
      if (path === undefined) problems.push(`Rollout ${rollout.metadata.name}/${c.name}: ${kind} is not an httpGet probe`);
      else if (!routes.includes(path.split('?')[0])) problems.push(`Rollout ${rollout.metadata.name}/${c.name}: ${kind} asks ${path}, which the service does not serve (GET routes: ${routes.join(', ')})`);
    }
  }
  return problems;
}
