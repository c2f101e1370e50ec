import { EngineDocument } from './engine-document';
import { flagDefinition, flagKeys } from './registry';

/**
 * Compares a flag state with the code's registry: flags the code reads but the state lacks,
 * wrong types, variants the code does not know, attachments that do not parse. Each finding
 * means "this flag answers with its safe default", so it is a warning, not a load failure.
 */
export function checkRegistry(document: EngineDocument): string[] {
  const warnings: string[] = [];
  const byKey = new Map(document.flags.map((f) => [f.key, f]));
  const ns = document.namespace.key;
  for (const key of flagKeys) {
    const definition = flagDefinition(key);
    const flag = byKey.get(key);
    if (!flag) {
      warnings.push(`flag "${key}" is not defined in namespace "${ns}": it evaluates to its default`);
      continue;
    }
    const expected = definition.type === 'boolean' ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE';
    if (flag.type !== expected) {
      warnings.push(`flag "${key}" is ${flag.type} in namespace "${ns}" but the code reads it as ${expected}: it evaluates to its default`);
      continue;
    }
    if (definition.type !== 'variant') continue;
    const seen = new Map<string, string>();
    for (const rule of flag.rules ?? []) for (const d of rule.distributions) seen.set(d.variantKey, d.variantAttachment);
    if (flag.defaultVariant) seen.set(flag.defaultVariant.key, flag.defaultVariant.attachment);
    for (const [variant, attachment] of seen) {
      if (!definition.variants.includes(variant)) {
        warnings.push(`flag "${key}" can answer variant "${variant}", which the code does not know (known: ${definition.variants.join(', ')}): that answer becomes the default`);
        continue;
      }
      const parsed = parseAttachment(attachment);
      const result = definition.attachment.safeParse(parsed.ok ? parsed.value : undefined);
      if (!parsed.ok || !result.success) {
        warnings.push(`flag "${key}" variant "${variant}" has an attachment the code cannot read (${parsed.ok ? result.error?.issues[0]?.message : parsed.error}): that answer becomes the default`);
      }
    }
  }
  return warnings;
}

/** Attachments arrive as JSON strings; "" (and "null") mean none. */
export function parseAttachment(raw: string | undefined): { ok: true; value: unknown } | { ok: false; error: string } {
  if (raw === undefined || raw === '' || raw === 'null') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
}
