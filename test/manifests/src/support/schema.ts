import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { K8sObject } from './objects';

export interface SchemaResult {
  status: 'valid' | 'invalid' | 'no-model';
  errors: string[];
}

/**
 * Validates objects with the JSON schemas of kubernetes-models and the CRD model packages.
 * They are ES modules only; the validation runs in a plain Node process (schema-worker.mjs).
 */
export function validateSchemas(objects: readonly unknown[]): SchemaResult[] {
  if (objects.length === 0) return [];
  const output = execFileSync(process.execPath, [path.join(__dirname, 'schema-worker.mjs')], {
    input: JSON.stringify(objects),
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(output) as SchemaResult[];
}

export function validateSchema(object: K8sObject): SchemaResult {
  return validateSchemas([object])[0];
}
