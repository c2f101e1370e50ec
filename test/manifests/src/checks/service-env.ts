import type { ZodObject } from 'zod';
import { named, type K8sObject } from '../support/objects';
import type { CreatedSecret } from './bootstrap-script';

/**
 * The environment a container of a rendered pod gets: envFrom ConfigMaps and Secrets in order,
 * then env entries (ConfigMap and Secret keys, the downward API, `$(VAR)` references). Secret
 * values come from what k8s/bootstrap/bootstrap.sh creates; a key nobody creates is a problem.
 */
export function containerEnv(
  objects: readonly K8sObject[],
  owner: K8sObject,
  container: K8sObject['spec'],
  secrets: readonly CreatedSecret[],
): { env: Record<string, string>; sources: Record<string, string>; problems: string[] } {
  const where = `${owner.kind}/${owner.metadata.name}/${container.name}`;
  const problems: string[] = [];
  const env: Record<string, string> = {};
  /** Where each variable comes from: `ConfigMap <name>`, `Secret <name>` or `env`. */
  const sources: Record<string, string> = {};
  const secretValue = (name: string, key: string): string | undefined => {
    const secret = secrets.find((s) => s.name === name);
    if (!secret) {
      problems.push(`${where}: Secret ${name} is not created by k8s/bootstrap/bootstrap.sh`);
      return undefined;
    }
    if (!secret.keys.has(key)) {
      if (!secret.computedKeys) problems.push(`${where}: Secret ${name} has no key ${key} (created with ${[...secret.keys.keys()].join(', ') || 'no keys'})`);
      return `<${name}/${key}>`;
    }
    // Run-time parts of a literal (`${password}`) become a placeholder that still parses.
    return (secret.keys.get(key) ?? `<${name}/${key}>`).replace(/\$\{\w+\}/g, 'secret');
  };
  const configMapValue = (name: string, key?: string): Record<string, string> | string | undefined => {
    const cm = named(objects, 'ConfigMap', name);
    if (!cm) {
      problems.push(`${where}: no ConfigMap ${name}`);
      return undefined;
    }
    if (key === undefined) return cm.data ?? {};
    if (!(key in (cm.data ?? {}))) problems.push(`${where}: ConfigMap ${name} has no key ${key}`);
    return cm.data?.[key];
  };
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const data = (configMapValue(from.configMapRef.name) ?? {}) as Record<string, string>;
      Object.assign(env, data);
      for (const key of Object.keys(data)) sources[key] = `ConfigMap ${from.configMapRef.name}`;
    }
    if (from.secretRef) {
      const secret = secrets.find((s) => s.name === from.secretRef.name);
      if (!secret) problems.push(`${where}: Secret ${from.secretRef.name} is not created by k8s/bootstrap/bootstrap.sh`);
      for (const key of secret ? secret.keys.keys() : []) {
        env[`${from.prefix ?? ''}${key}`] = secretValue(from.secretRef.name, key) ?? '';
        sources[`${from.prefix ?? ''}${key}`] = `Secret ${from.secretRef.name}`;
      }
    }
  }
  const field = (path: string): string =>
    ({ 'metadata.name': `${owner.metadata.name}-pod`, 'metadata.namespace': owner.metadata.namespace ?? 'default', 'spec.nodeName': 'node', 'status.podIP': '10.0.0.1', 'spec.serviceAccountName': owner.spec?.template?.spec?.serviceAccountName ?? 'default' })[path] ?? `<${path}>`;
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined) value = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => env[name] ?? all);
    else if (e.valueFrom?.configMapKeyRef) value = configMapValue(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key) as string | undefined;
    else if (e.valueFrom?.secretKeyRef) value = secretValue(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
    else if (e.valueFrom?.fieldRef) value = field(e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef) value = '1';
    if (value !== undefined) {
      env[e.name] = value;
      sources[e.name] = 'env';
    }
  }
  return { env, sources, problems };
}

/** Variables referenced as `$(VAR)` by other env entries: read by Kubernetes, not by the app. */
export function interpolated(container: K8sObject['spec']): Set<string> {
  const out = new Set<string>();
  for (const e of container.env ?? []) for (const m of String(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) out.add(m[1]);
  return out;
}

const LOOPBACK = /(^|[/@,])(localhost|127\.\d+\.\d+\.\d+|\[::1\])([:/,]|$)/;

/**
 * A service's own zod config schema parsed against its pod's env: it must parse; every variable
 * the pod sets must be one the schema (or `alsoRead`) knows — zod drops unknown keys, so a
 * misspelled name would silently leave the default in place; and no resulting value may point
 * at loopback, the development default a missing or misspelled variable falls back to.
 */
export function configProblems(where: string, schema: ZodObject, env: Record<string, string>, alsoRead: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const known = new Set(Object.keys(schema.shape));
  for (const key of Object.keys(env).sort()) {
    if (!known.has(key) && !alsoRead.has(key)) problems.push(`${where}: sets ${key}, which the service does not read`);
  }
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${where}: ${String(issue.path[0] ?? '(env)')}: ${issue.message}`);
    return problems;
  }
  const visit = (key: string, value: unknown) => {
    if (typeof value === 'string' && LOOPBACK.test(value)) {
      problems.push(`${where}: ${key} is ${value} (${key in env ? 'set so by the pod' : 'the local-development default: the pod does not set it'}): loopback in a pod reaches nothing`);
    } else if (Array.isArray(value)) value.forEach((v) => visit(key, v));
  };
  for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) visit(key, value);
  return problems;
}

/**
 * `*_FILE` variables name a file a volume mounts: a Secret volume's item (whose key bootstrap
 * creates) or a ConfigMap key.
 */
export function mountedFileProblems(owner: K8sObject, container: K8sObject['spec'], env: Record<string, string>, secrets: readonly CreatedSecret[], objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const where = `${owner.kind}/${owner.metadata.name}/${container.name}`;
  const volumes: K8sObject['spec'][] = owner.spec.template.spec.volumes ?? [];
  for (const [key, file] of Object.entries(env).filter(([k, v]) => k.endsWith('_FILE') && v)) {
    const mount = (container.volumeMounts ?? []).find((m: { mountPath: string }) => file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    if (!mount) {
      problems.push(`${where}: ${key}=${file} is not under any volumeMount`);
      continue;
    }
    const rest = file.slice(mount.mountPath.replace(/\/$/, '').length + 1);
    const volume = volumes.find((v) => v.name === mount.name);
    const source = volume?.secret ?? volume?.configMap;
    if (!source) continue;
    const items: Array<{ key: string; path: string }> | undefined = source.items;
    const dataKey = items ? items.find((i) => i.path === rest)?.key : rest;
    if (dataKey === undefined) {
      problems.push(`${where}: ${key}=${file}: volume ${volume.name} has no item at ${rest}`);
      continue;
    }
    if (volume.secret) {
      const secret = secrets.find((s) => s.name === volume.secret.secretName);
      if (!secret) problems.push(`${where}: ${key}: Secret ${volume.secret.secretName} is not created by k8s/bootstrap/bootstrap.sh`);
      else if (!secret.keys.has(dataKey) && !secret.computedKeys) problems.push(`${where}: ${key}: Secret ${secret.name} has no key ${dataKey}`);
    } else if (!(dataKey in (named(objects, 'ConfigMap', volume.configMap.name)?.data ?? {}))) {
      problems.push(`${where}: ${key}: ConfigMap ${volume.configMap.name} has no key ${dataKey}`);
    }
  }
  return problems;
}
