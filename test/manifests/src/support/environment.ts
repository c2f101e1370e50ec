import type { ZodObject } from 'zod';
import { readBootstrapScript, type BootstrapScript } from '../checks/bootstrap-script';
import type { PlatformFacts } from '../checks/topology';
import { configProblems, containerEnv, interpolated, mountedFileProblems } from '../checks/service-env';
import { target, type RenderedTarget } from './cache';
import { ofKind, type K8sObject } from './objects';
import { repoPath } from './paths';
import { readRepoFile, readYaml } from './repo';

export const SERVICES = ['login', 'checkout', 'notify'] as const;

let script: BootstrapScript | undefined;
/** What k8s/bootstrap/bootstrap.sh creates (its commands, not its comments). */
export function bootstrap(): BootstrapScript {
  script ??= readBootstrapScript(readRepoFile('k8s/bootstrap/bootstrap.sh'));
  return script;
}

/** The platform next to an app target: its environment's k8s/platform/envs/<env>, else dev's. */
export function platformFacts(t: RenderedTarget): PlatformFacts {
  const env = t.objects.find((o) => o.kind === 'Namespace')?.metadata.labels?.['boxoffice.dev/environment'];
  const platformId = env && ['dev', 'staging', 'prod'].includes(env) ? `k8s/platform/envs/${env}` : 'k8s/platform/envs/dev';
  const values = readYaml<{ podAnnotations?: Record<string, string> }>('k8s/platform/flipt/values.yaml');
  return {
    platform: target(platformId).objects,
    releases: bootstrap().releases,
    fliptPodAnnotations: values.podAnnotations ?? {},
    podMonitors: ofKind(target('k8s/platform/prometheus').objects, 'PodMonitor'),
  };
}

/** A service's own config schema (services/<svc>/src/config.ts), the one it validates its env with at startup. */
export function serviceSchema(service: string): ZodObject {
  // Loaded by path: services are apps, not libraries (project.json lists them as implicit dependencies).
  const module = require(repoPath(`services/${service}/src/config.ts`)) as Record<string, ZodObject>;
  const schema = module[`${service}ConfigSchema`];
  if (!schema?.shape) throw new Error(`services/${service}/src/config.ts exports no ${service}ConfigSchema`);
  return schema;
}

/**
 * Variables a service reads besides its config schema: METRICS_PORT (libs/telemetry's
 * Prometheus endpoint) and the OpenTelemetry SDK's own OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES.
 */
export const READ_OUTSIDE_SCHEMA = ['METRICS_PORT', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES'];

export interface ServiceConfigs {
  /** Parsed config per workload name (`Rollout/login`). */
  configs: Map<string, Record<string, unknown>>;
  /** Resolved env of the other workloads (Jobs), per workload name. */
  jobEnvs: Map<string, Record<string, string>>;
  problems: string[];
}

/**
 * Every Rollout's config as its service parses it, and every Job's env, with their problems.
 * A variable from a ConfigMap several services share (boxoffice-env) only has to be read by one
 * of them; a service's own variables must all be read by that service.
 */
export function serviceConfigs(objects: readonly K8sObject[]): ServiceConfigs {
  const out: ServiceConfigs = { configs: new Map(), jobEnvs: new Map(), problems: [] };
  const secrets = bootstrap().secrets;
  const rollouts: Array<{ where: string; container: K8sObject['spec']; env: Record<string, string>; sources: Record<string, string>; schema: ZodObject }> = [];
  for (const owner of objects.filter((o) => ['Rollout', 'Job'].includes(o.kind))) {
    const container = owner.spec.template.spec.containers[0];
    const { env, sources, problems } = containerEnv(objects, owner, container, secrets);
    out.problems.push(...problems, ...mountedFileProblems(owner, container, env, secrets, objects));
    if (owner.kind === 'Job') {
      out.jobEnvs.set(`Job/${owner.metadata.name}`, env);
      continue;
    }
    const service = owner.metadata.name;
    if (!(SERVICES as readonly string[]).includes(service)) {
      out.problems.push(`Rollout/${service}: not a Box Office service with a config schema`);
      continue;
    }
    rollouts.push({ where: `Rollout/${service}`, container, env, sources, schema: serviceSchema(service) });
  }
  const sharedBy = new Map<string, number>();
  for (const r of rollouts) for (const source of new Set(Object.values(r.sources))) sharedBy.set(source, (sharedBy.get(source) ?? 0) + 1);
  for (const r of rollouts) {
    const readElsewhere = Object.keys(r.env).filter((key) => (sharedBy.get(r.sources[key]) ?? 0) > 1 && rollouts.some((o) => o !== r && o.sources[key] === r.sources[key] && key in o.schema.shape));
    out.problems.push(...configProblems(r.where, r.schema, r.env, new Set([...READ_OUTSIDE_SCHEMA, ...interpolated(r.container), ...readElsewhere])));
    const parsed = r.schema.safeParse(r.env);
    if (parsed.success) out.configs.set(r.where, parsed.data as Record<string, unknown>);
  }
  return out;
}
