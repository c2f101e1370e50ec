import * as path from 'node:path';
import * as ts from 'typescript';
import models from './models.json';
import { keyOf, type K8sObject } from './objects';

/**
 * Strict field checking. The JSON schemas in kubernetes-models and the CRD packages accept
 * unknown properties, so a misspelled optional field (`stableServce`) validates. Their
 * TypeScript declarations, generated from the same OpenAPI schemas, list every known field:
 * this walks each object against its declared interface with excess properties treated as
 * errors (the JSON-schema equivalent of additionalProperties: false), and also reports
 * primitive type mismatches and string values outside a literal union.
 */
export interface StrictFieldChecker {
  /** Errors for one object, or undefined when no interface is known for its kind. */
  check(object: K8sObject): string[] | undefined;
}

type ModelEntry = { module: string; type: string };

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
  lib: ['lib.es2022.d.ts'],
};

export function createStrictFieldChecker(): StrictFieldChecker {
  const entries = Object.entries(models as Record<string, ModelEntry | string>).filter(
    (entry): entry is [string, ModelEntry] => typeof entry[1] === 'object',
  );
  const virtualFile = path.join(__dirname, '__strict_models__.ts');
  const source = [
    ...entries.map(([, e], i) => `import type { ${e.type} as T${i} } from ${JSON.stringify(e.module)};`),
    'export interface Models {',
    ...entries.map(([key], i) => `  ${JSON.stringify(key)}: T${i};`),
    '}',
  ].join('\n');

  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === virtualFile || fileExists.call(host, f);
  host.readFile = (f) => (f === virtualFile ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f === virtualFile ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram([virtualFile], compilerOptions, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(virtualFile);
  const unresolved = program
    .getSemanticDiagnostics(file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (unresolved.length) throw new Error(`strict field check cannot load model types:\n${unresolved.join('\n')}`);

  const declaration = file?.statements.find(ts.isInterfaceDeclaration);
  if (!declaration) throw new Error('strict field check: the generated Models interface is missing');
  const modelsType = checker.getTypeAtLocation(declaration.name);
  const byKey = new Map<string, ts.Type>();
  for (const [key] of entries) {
    const prop = modelsType.getProperty(key);
    if (!prop) throw new Error(`strict field check: no type for ${key}`);
    byKey.set(key, checker.getTypeOfSymbol(prop));
  }

  const parts = (type: ts.Type): ts.Type[] =>
    (type.isUnion() ? type.types : [type]).filter(
      (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)),
    );
  const isOpen = (t: ts.Type) => (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
  const isArray = (t: ts.Type) => checker.isArrayType(t) || checker.isTupleType(t);
  const isObject = (t: ts.Type) =>
    ((t.flags & ts.TypeFlags.Object) !== 0 && !isArray(t)) ||
    (t.isIntersection() && elementType(t) === undefined) ||
    (t.flags & ts.TypeFlags.NonPrimitive) !== 0;

  /** Element type of an array, also inside an intersection (`A[] & B[]`, from oneOf schemas). */
  function elementType(t: ts.Type): ts.Type | undefined {
    if (isArray(t)) return checker.getTypeArguments(t as ts.TypeReference)[0];
    if (t.isIntersection()) return t.types.map(elementType).find((e) => e !== undefined);
    return undefined;
  }

  function typeName(value: unknown): string {
    return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  }

  function suggest(key: string, known: string[]): string {
    let best = '';
    let bestDistance = Infinity;
    for (const candidate of known) {
      const d = distance(key.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean "${best}"?)` : '';
  }

  function walk(value: unknown, type: ts.Type, at: string, errors: string[]): void {
    if (value === null || value === undefined) return;
    const candidates = parts(type);
    if (candidates.length === 0 || candidates.some(isOpen)) return;

    if (Array.isArray(value)) {
      const element = candidates.map(elementType).find((t) => t !== undefined);
      if (!element) {
        errors.push(`${at}: is an array, the schema expects ${checker.typeToString(type)}`);
        return;
      }
      value.forEach((item, i) => walk(item, element, `${at}[${i}]`, errors));
      return;
    }

    if (typeof value === 'object') {
      const objects = candidates.filter(isObject);
      if (objects.length === 0) {
        errors.push(`${at}: is an object, the schema expects ${checker.typeToString(type)}`);
        return;
      }
      // Several object shapes (a oneOf): keep the reading that yields the fewest errors.
      let bestErrors: string[] = [];
      for (const [i, candidate] of objects.entries()) {
        const found: string[] = [];
        walkObject(value as Record<string, unknown>, candidate, at, found);
        if (i === 0 || found.length < bestErrors.length) bestErrors = found;
        if (found.length === 0) break;
      }
      errors.push(...bestErrors);
      return;
    }

    // Primitives: the value's type must be one the schema allows.
    const kind = typeof value;
    const flags = kind === 'string' ? ts.TypeFlags.StringLike : kind === 'number' ? ts.TypeFlags.NumberLike : ts.TypeFlags.BooleanLike;
    const matching = candidates.filter((t) => (t.flags & flags) !== 0 || (kind === 'number' && (t.flags & ts.TypeFlags.BigIntLike) !== 0));
    if (matching.length === 0) {
      errors.push(`${at}: is a ${typeName(value)}, the schema expects ${checker.typeToString(type)}`);
      return;
    }
    if (kind === 'string' && matching.every((t) => t.isStringLiteral())) {
      const allowed = matching.map((t) => (t as ts.StringLiteralType).value);
      if (!allowed.includes(value as string)) {
        errors.push(`${at}: "${value as string}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
      }
    }
  }

  function walkObject(value: Record<string, unknown>, type: ts.Type, at: string, errors: string[]): void {
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type).find((info) => (info.keyType.flags & ts.TypeFlags.String) !== 0);
    for (const [key, child] of Object.entries(value)) {
      const childPath = at ? `${at}.${key}` : key;
      const prop = props.find((p) => p.getName() === key);
      if (prop) {
        walk(child, checker.getTypeOfSymbol(prop), childPath, errors);
      } else if (index) {
        walk(child, index.type, childPath, errors);
      } else {
        errors.push(`${childPath}: unknown field${suggest(key, props.map((p) => p.getName()))}`);
      }
    }
  }

  return {
    check(object) {
      const type = byKey.get(keyOf(object));
      if (!type) return undefined;
      const errors: string[] = [];
      walk(object, type, '', errors);
      return errors;
    },
  };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
