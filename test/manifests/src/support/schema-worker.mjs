// Validates Kubernetes objects against the JSON schemas of kubernetes-models and the CRD
// model packages. Those packages are ES modules only, which Jest (CommonJS) cannot load, so
// this runs as a plain Node process: stdin = JSON array of objects, stdout = JSON array of
// { status: 'valid' | 'invalid' | 'no-model', errors: string[] } in the same order.
import { readFileSync } from 'node:fs';

const models = JSON.parse(readFileSync(new URL('./models.json', import.meta.url), 'utf8'));
const loaded = new Map();

async function modelFor(key) {
  const entry = models[key];
  if (!entry || !entry.export) return undefined;
  if (!loaded.has(key)) {
    const module = await import(entry.module);
    loaded.set(key, module[entry.export]);
  }
  return loaded.get(key);
}

function keyOf(object) {
  return `${object.apiVersion}/${object.kind}`;
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of input) {
  const Model = await modelFor(keyOf(object));
  if (!Model) {
    results.push({ status: 'no-model', errors: [] });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ status: 'valid', errors: [] });
  } catch (error) {
    const details = Array.isArray(error?.errors)
      ? error.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
      : [String(error?.message ?? error)];
    results.push({ status: 'invalid', errors: details });
  }
}
process.stdout.write(JSON.stringify(results));
