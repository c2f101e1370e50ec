import { Document, isMap, isScalar, isSeq, LineCounter, Node, Scalar, YAMLMap } from 'yaml';
import {
  COMPARISON_TYPES,
  ComparisonType,
  ConstraintDef,
  DEFAULT_NAMESPACE,
  DistributionDef,
  FeatureDocument,
  FLAG_TYPES,
  FlagDef,
  FlagProblem,
  FlagType,
  FORMAT_VERSIONS,
  FormatVersion,
  KEY_PATTERN,
  LATEST_VERSION,
  MATCH_TYPES,
  MatchType,
  OPERATORS,
  RolloutDef,
  RuleDef,
  SEGMENT_OPERATORS,
  SegmentDef,
  SegmentOperator,
  VALUELESS_OPERATORS,
  VariantDef,
  versionAtLeast,
} from './format';

type YNode = Node | null | undefined;

interface Entry {
  key: Scalar;
  value: YNode;
}

type Fields = Map<string, Entry>;

/** Collects problems with the file position of the YAML node they are about. */
export class Reporter {
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
    readonly problems: FlagProblem[],
  ) {}

  position(node: YNode): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  error(node: YNode, path: string, message: string): void {
    this.problems.push({ file: this.file, ...this.position(node), path, message, severity: 'error' });
  }

  warn(node: YNode, path: string, message: string): void {
    this.problems.push({ file: this.file, ...this.position(node), path, message, severity: 'warning' });
  }

  errorAtOffset(offset: number, path: string, message: string): void {
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, path, message, severity: 'error' });
  }

  get errorCount(): number {
    return this.problems.filter((p) => p.severity === 'error' && p.file === this.file).length;
  }
}

/** Edit distance, for "did you mean" hints on misspelt enum values and field names. */
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

export function didYouMean(value: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(value.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))) return ` (did you mean "${best}"?)`;
  // "ANY" for "ANY_MATCH_TYPE": a fragment of exactly one candidate.
  const containing = value.length >= 2 ? candidates.filter((c) => c.toLowerCase().includes(value.toLowerCase())) : [];
  return containing.length === 1 ? ` (did you mean "${containing[0]}"?)` : '';
}

function describe(node: YNode): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'null';
    if (typeof value === 'string') return `the string "${value}"`;
    return `${typeof value} ${node.source ?? String(value)}`;
  }
  return 'an unsupported YAML node';
}

class DocumentValidator {
  private version: FormatVersion = LATEST_VERSION;

  constructor(private readonly r: Reporter) {}

  fields(node: YNode, path: string, allowed: readonly string[], what: string): Fields | undefined {
    if (!isMap(node)) {
      this.r.error(node, path, `${what} must be a mapping, got ${describe(node)}`);
      return undefined;
    }
    const out: Fields = new Map();
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const key = pair.key as YNode;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.r.error(key, path, `keys must be plain strings, got ${describe(key)}`);
        continue;
      }
      if (!allowed.includes(key.value)) {
        this.r.error(
          key,
          path,
          `unknown field "${key.value}"${didYouMean(key.value, allowed)}; allowed here: ${allowed.join(', ')}`,
        );
        continue;
      }
      out.set(key.value, { key, value: pair.value as YNode });
    }
    return out;
  }

  private at(path: string, field: string): string {
    return path ? `${path}.${field}` : field;
  }

  private missing(parent: YNode, path: string, field: string): void {
    this.r.error(parent, path, `missing required field "${field}"`);
  }

  string(
    fields: Fields,
    parent: YNode,
    path: string,
    field: string,
    options: { required?: boolean; pattern?: RegExp; nonEmpty?: boolean } = {},
  ): string | undefined {
    const entry = fields.get(field);
    if (!entry || entry.value === null || entry.value === undefined || (isScalar(entry.value) && entry.value.value === null)) {
      if (options.required) this.missing(parent, path, field);
      return undefined;
    }
    const node = entry.value;
    const where = this.at(path, field);
    if (!isScalar(node) || typeof node.value !== 'string') {
      const hint = isScalar(node) && node.value !== null ? ` (quote it: "${node.source ?? String(node.value)}")` : '';
      this.r.error(node, where, `must be a string, got ${describe(node)}${hint}`);
      return undefined;
    }
    const value = node.value;
    if ((options.nonEmpty || options.pattern) && value.length === 0) {
      this.r.error(node, where, 'must not be empty');
      return undefined;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.r.error(node, where, `"${value}" is not a valid key: use letters, digits, "-", "_" or ","`);
      return undefined;
    }
    return value;
  }

  boolean(fields: Fields, path: string, field: string, fallback: boolean): boolean {
    const entry = fields.get(field);
    if (!entry) return fallback;
    const node = entry.value;
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.r.error(node ?? entry.key, this.at(path, field), `must be true or false, got ${describe(node)}`);
      return fallback;
    }
    return node.value;
  }

  percentage(fields: Fields, parent: YNode, path: string, field: string): number | undefined {
    const entry = fields.get(field);
    if (!entry) {
      this.missing(parent, path, field);
      return undefined;
    }
    const node = entry.value;
    const where = this.at(path, field);
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      this.r.error(node ?? entry.key, where, `must be a number from 0 to 100, got ${describe(node)}`);
      return undefined;
    }
    if (node.value < 0 || node.value > 100) {
      this.r.error(node, where, `must be from 0 to 100, got ${node.value}`);
      return undefined;
    }
    return node.value;
  }

  enumValue<T extends string>(
    fields: Fields,
    parent: YNode,
    path: string,
    field: string,
    allowed: readonly T[],
    options: { required: boolean; fallback?: T },
  ): T | undefined {
    const entry = fields.get(field);
    if (!entry || (isScalar(entry.value) && entry.value.value === null)) {
      if (options.required) this.missing(parent, path, field);
      return options.fallback;
    }
    const node = entry.value;
    const where = this.at(path, field);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.r.error(node ?? entry.key, where, `must be one of ${allowed.join(', ')}; got ${describe(node)}`);
      return undefined;
    }
    if (!(allowed as readonly string[]).includes(node.value)) {
      this.r.error(
        node,
        where,
        `unknown value "${node.value}"${didYouMean(node.value, allowed)}; expected one of ${allowed.join(', ')}`,
      );
      return undefined;
    }
    return node.value as T;
  }

  list(fields: Fields, path: string, field: string): { node: Node; items: YNode[] } | undefined {
    const entry = fields.get(field);
    if (!entry || entry.value === null || entry.value === undefined || (isScalar(entry.value) && entry.value.value === null)) {
      return undefined;
    }
    if (!isSeq(entry.value)) {
      this.r.error(entry.value, this.at(path, field), `must be a list, got ${describe(entry.value)}`);
      return undefined;
    }
    return { node: entry.value, items: entry.value.items as YNode[] };
  }

  requireVersion(node: YNode, path: string, minimum: FormatVersion, feature: string): void {
    if (!versionAtLeast(this.version, minimum)) {
      this.r.error(node, path, `${feature} needs version "${minimum}" or later (this file declares "${this.version}")`);
    }
  }

  document(doc: Document.Parsed, file: string, displayPath: string, index: number): FeatureDocument | undefined {
    const root = doc.contents as YNode;
    if (root === null || root === undefined || (isScalar(root) && root.value === null)) {
      this.r.warn(root, '', 'empty document');
      return undefined;
    }
    const top = this.fields(root, '', ['version', 'namespace', 'flags', 'segments'], 'a features document');
    if (!top) return undefined;

    const versionEntry = top.get('version');
    if (versionEntry) {
      const node = versionEntry.value;
      if (isScalar(node) && typeof node.value === 'number') {
        this.r.error(node, 'version', `must be a quoted string ("${node.source ?? node.value}"): unquoted, YAML reads it as a number`);
      } else {
        const version = this.enumValue(top, root, '', 'version', FORMAT_VERSIONS, { required: false });
        if (version) this.version = version;
      }
    }

    const namespace = this.namespace(top, root) ?? DEFAULT_NAMESPACE;
    const segments = this.segments(top);
    const flags = this.flags(top, segments);

    return {
      file,
      displayPath,
      index,
      version: this.version,
      namespace,
      flags,
      segments: [...segments.values()].map((s) => s.def),
    };
  }

  private namespace(top: Fields, root: YNode): string | undefined {
    const entry = top.get('namespace');
    if (!entry) return undefined;
    if (isMap(entry.value)) {
      this.requireVersion(entry.value, 'namespace', '1.4', 'a namespace given as a mapping');
      const fields = this.fields(entry.value, 'namespace', ['key', 'name', 'description'], 'namespace');
      if (!fields) return undefined;
      this.string(fields, entry.value, 'namespace', 'name', { nonEmpty: true });
      this.string(fields, entry.value, 'namespace', 'description');
      return this.string(fields, entry.value, 'namespace', 'key', { required: true, pattern: KEY_PATTERN });
    }
    return this.string(top, root, '', 'namespace', { pattern: KEY_PATTERN });
  }

  private segments(top: Fields): Map<string, { def: SegmentDef; node: Node }> {
    const out = new Map<string, { def: SegmentDef; node: Node }>();
    const list = this.list(top, '', 'segments');
    if (!list) return out;
    list.items.forEach((node, i) => {
      let path = `segments[${i}]`;
      const fields = this.fields(node, path, ['key', 'name', 'description', 'match_type', 'constraints'], 'a segment');
      if (!fields || !node) return;
      const key = this.string(fields, node, path, 'key', { required: true, pattern: KEY_PATTERN });
      if (key) path = `segment "${key}"`;
      const name = this.string(fields, node, path, 'name', { required: true, nonEmpty: true });
      const description = this.string(fields, node, path, 'description');
      const matchType = this.enumValue<MatchType>(fields, node, path, 'match_type', MATCH_TYPES, { required: true });
      const constraints: ConstraintDef[] = [];
      const constraintList = this.list(fields, path, 'constraints');
      constraintList?.items.forEach((c, j) => {
        const constraint = this.constraint(c, `${path}.constraints[${j}]`);
        if (constraint) constraints.push(constraint);
      });
      if (key && out.has(key)) {
        this.r.error(fields.get('key')?.value, `${path}.key`, `duplicate segment key "${key}" (first defined on line ${out.get(key)?.def.line})`);
        return;
      }
      // Registered even when the segment has errors, so references to it do not cascade into more errors.
      if (key) {
        out.set(key, {
          def: { key, name: name ?? key, description, matchType: matchType ?? 'ALL_MATCH_TYPE', constraints, line: this.r.position(node).line },
          node,
        });
      }
    });
    return out;
  }

  private constraint(node: YNode, path: string): ConstraintDef | undefined {
    const fields = this.fields(node, path, ['type', 'property', 'operator', 'value', 'description'], 'a constraint');
    if (!fields || !node) return undefined;
    const type = this.enumValue<ComparisonType>(fields, node, path, 'type', COMPARISON_TYPES, { required: true });
    const property = this.string(fields, node, path, 'property', { required: true, nonEmpty: true });
    const description = this.string(fields, node, path, 'description');
    const value = this.string(fields, node, path, 'value');
    const operatorEntry = fields.get('operator');
    let operator: string | undefined;
    if (!operatorEntry) {
      this.missing(node, path, 'operator');
    } else if (!isScalar(operatorEntry.value) || typeof operatorEntry.value.value !== 'string') {
      const node = operatorEntry.value;
      const hint = isScalar(node) && node.value !== null ? ` (quote it: "${node.source ?? String(node.value)}")` : '';
      this.r.error(node ?? operatorEntry.key, `${path}.operator`, `must be a string, got ${describe(node)}${hint}`);
    } else if (type) {
      const allowed = OPERATORS[type];
      const candidate = operatorEntry.value.value;
      if (!allowed.includes(candidate)) {
        const leHint = candidate === 'le' ? ' ("le" is a known typo in Flipt\'s own schema; the engine implements "lt")' : '';
        this.r.error(
          operatorEntry.value,
          `${path}.operator`,
          `operator "${candidate}" is not valid for ${type}${leHint || didYouMean(candidate, allowed)}; valid: ${allowed.join(', ')}`,
        );
      } else {
        operator = candidate;
        if (candidate === 'lt') {
          this.r.warn(
            operatorEntry.value,
            `${path}.operator`,
            'Flipt servers whose CUE schema predates flipt-io/flipt#6307 reject "lt"; prefer "lte" or "gt"/"gte" when the server version is unknown',
          );
        }
      }
    }
    if (type && operator && !VALUELESS_OPERATORS.has(operator)) {
      const valueNode = fields.get('value')?.value;
      if (value === undefined) {
        if (!fields.has('value')) this.r.error(node, path, `operator "${operator}" needs a "value"`);
      } else {
        const problem = constraintValueProblem(type, operator, value);
        if (problem) this.r.error(valueNode, `${path}.value`, problem);
      }
    }
    if (!type || !property || !operator) return undefined;
    return { type, property, operator, value, description, line: this.r.position(node).line };
  }

  private segmentReference(
    node: YNode,
    path: string,
    segments: Map<string, unknown>,
    key: string,
  ): void {
    if (!segments.has(key)) {
      const known = [...segments.keys()];
      this.r.error(
        node,
        path,
        `references unknown segment "${key}"${didYouMean(key, known)}; segments must be defined in the same document (known: ${known.join(', ') || 'none'})`,
      );
    }
  }

  private keyList(node: YNode, path: string, segments: Map<string, unknown>): string[] | undefined {
    if (!isSeq(node)) {
      this.r.error(node, path, `must be a list of segment keys, got ${describe(node)}`);
      return undefined;
    }
    const keys: string[] = [];
    node.items.forEach((item, i) => {
      const itemNode = item as YNode;
      if (!isScalar(itemNode) || typeof itemNode.value !== 'string') {
        this.r.error(itemNode, `${path}[${i}]`, `must be a segment key, got ${describe(itemNode)}`);
        return;
      }
      this.segmentReference(itemNode, `${path}[${i}]`, segments, itemNode.value);
      keys.push(itemNode.value);
    });
    if (keys.length === 0) this.r.error(node, path, 'must name at least one segment');
    return keys;
  }

  private flags(top: Fields, segments: Map<string, { def: SegmentDef; node: Node }>): FlagDef[] {
    const out: FlagDef[] = [];
    const seen = new Map<string, number>();
    const list = this.list(top, '', 'flags');
    if (!list) return out;
    list.items.forEach((node, i) => {
      let path = `flags[${i}]`;
      const allowed = ['key', 'name', 'description', 'enabled', 'type', 'variants', 'rules', 'rollouts', 'metadata'];
      const fields = this.fields(node, path, allowed, 'a flag');
      if (!fields || !node) return;
      const key = this.string(fields, node, path, 'key', { required: true, pattern: KEY_PATTERN });
      if (key) path = `flag "${key}"`;
      const name = this.string(fields, node, path, 'name', { required: true, nonEmpty: true });
      const description = this.string(fields, node, path, 'description');
      const enabled = this.boolean(fields, path, 'enabled', false);
      if (fields.has('type')) this.requireVersion(fields.get('type')?.key, `${path}.type`, '1.1', 'the flag "type" field');
      const type = this.enumValue<FlagType>(fields, node, path, 'type', FLAG_TYPES, { required: false, fallback: 'VARIANT_FLAG_TYPE' });
      const metadata = this.metadata(fields, path);
      const line = this.r.position(node).line;

      if (key && seen.has(key)) {
        this.r.error(fields.get('key')?.value, `${path}.key`, `duplicate flag key "${key}" (first defined on line ${seen.get(key)})`);
      }
      if (key) seen.set(key, line);

      const variants = this.variants(fields, path, type);
      const rules = this.rules(fields, path, type, segments, variants);
      const rollouts = this.rollouts(fields, path, type, segments);

      if (key && name !== undefined && type) {
        out.push({ key, name, description, type, enabled, variants, rules, rollouts, metadata, line });
      }
    });
    return out;
  }

  private metadata(fields: Fields, path: string): FlagDef['metadata'] {
    const entry = fields.get('metadata');
    if (!entry) return undefined;
    this.requireVersion(entry.key, `${path}.metadata`, '1.3', 'flag metadata');
    if (!isMap(entry.value)) {
      this.r.error(entry.value ?? entry.key, `${path}.metadata`, `must be a mapping, got ${describe(entry.value)}`);
      return undefined;
    }
    const metadata: Record<string, string | number | boolean> = {};
    for (const pair of entry.value.items) {
      const k = pair.key as YNode;
      const v = pair.value as YNode;
      if (!isScalar(k) || typeof k.value !== 'string') {
        this.r.error(k, `${path}.metadata`, 'keys must be strings');
        continue;
      }
      if (!isScalar(v) || !['string', 'number', 'boolean'].includes(typeof v.value)) {
        this.r.error(v ?? k, `${path}.metadata.${k.value}`, `must be a string, number or boolean, got ${describe(v)}`);
        continue;
      }
      metadata[k.value] = v.value as string | number | boolean;
    }
    return metadata;
  }

  private variants(fields: Fields, path: string, type: FlagType | undefined): VariantDef[] {
    const out: VariantDef[] = [];
    const list = this.list(fields, path, 'variants');
    if (!list) return out;
    if (type === 'BOOLEAN_FLAG_TYPE' && list.items.length > 0) {
      this.r.error(fields.get('variants')?.key, `${path}.variants`, 'boolean flags have no variants (use a VARIANT_FLAG_TYPE flag, or rollouts)');
      return out;
    }
    const seen = new Set<string>();
    let defaults = 0;
    list.items.forEach((node, i) => {
      const vpath = `${path}.variants[${i}]`;
      const vfields = this.fields(node, vpath, ['key', 'name', 'description', 'attachment', 'default'], 'a variant');
      if (!vfields || !node) return;
      const key = this.string(vfields, node, vpath, 'key', { required: true, nonEmpty: true });
      const name = this.string(vfields, node, vpath, 'name', { nonEmpty: true });
      const description = this.string(vfields, node, vpath, 'description');
      let attachment: unknown = null;
      const attachmentEntry = vfields.get('attachment');
      if (attachmentEntry) {
        const a = attachmentEntry.value;
        if (isMap(a) || isSeq(a)) {
          attachment = a.toJSON();
        } else if (!(isScalar(a) && a.value === null)) {
          this.r.error(a ?? attachmentEntry.key, `${vpath}.attachment`, `must be a mapping or a list (Flipt stores it as JSON), got ${describe(a)}`);
        }
      }
      if (vfields.has('default')) this.requireVersion(vfields.get('default')?.key, `${vpath}.default`, '1.3', 'a default variant');
      const isDefault = this.boolean(vfields, vpath, 'default', false);
      if (isDefault) defaults++;
      if (isDefault && defaults > 1) this.r.error(vfields.get('default')?.value, `${vpath}.default`, 'only one variant can be the default');
      if (key && seen.has(key)) {
        this.r.error(vfields.get('key')?.value, `${vpath}.key`, `duplicate variant key "${key}"`);
        return;
      }
      if (key) {
        seen.add(key);
        out.push({ key, name, description, attachment, default: isDefault, line: this.r.position(node).line });
      }
    });
    return out;
  }

  private ruleSegment(
    entry: Entry | undefined,
    parent: YNode,
    path: string,
    segments: Map<string, unknown>,
  ): { keys: string[]; operator: SegmentOperator } | undefined {
    if (!entry) {
      this.missing(parent, path, 'segment');
      return undefined;
    }
    const node = entry.value;
    const where = `${path}.segment`;
    if (isScalar(node) && typeof node.value === 'string') {
      if (!KEY_PATTERN.test(node.value)) {
        this.r.error(node, where, `"${node.value}" is not a valid segment key`);
        return undefined;
      }
      this.segmentReference(node, where, segments, node.value);
      return { keys: [node.value], operator: 'OR_SEGMENT_OPERATOR' };
    }
    if (isMap(node)) {
      this.requireVersion(node, where, '1.2', 'a rule on several segments ("keys"/"operator")');
      const fields = this.fields(node, where, ['keys', 'operator'], 'a rule segment');
      if (!fields) return undefined;
      const keysEntry = fields.get('keys');
      if (!keysEntry) {
        this.missing(node, where, 'keys');
        return undefined;
      }
      const keys = this.keyList(keysEntry.value, `${where}.keys`, segments);
      const operator = this.enumValue<SegmentOperator>(fields, node, where, 'operator', SEGMENT_OPERATORS, {
        required: false,
        fallback: 'OR_SEGMENT_OPERATOR',
      });
      return keys && operator ? { keys, operator } : undefined;
    }
    this.r.error(node ?? entry.key, where, `must be a segment key or a mapping {keys, operator}, got ${describe(node)}`);
    return undefined;
  }

  private rules(
    fields: Fields,
    path: string,
    type: FlagType | undefined,
    segments: Map<string, unknown>,
    variants: VariantDef[],
  ): RuleDef[] {
    const out: RuleDef[] = [];
    const list = this.list(fields, path, 'rules');
    if (!list) return out;
    if (type === 'BOOLEAN_FLAG_TYPE' && list.items.length > 0) {
      this.r.error(fields.get('rules')?.key, `${path}.rules`, 'boolean flags use "rollouts", not "rules"');
      return out;
    }
    const variantKeys = variants.map((v) => v.key);
    list.items.forEach((node, i) => {
      const rpath = `${path}.rules[${i}]`;
      const rfields = this.fields(node, rpath, ['segment', 'rank', 'distributions'], 'a rule');
      if (!rfields || !node) return;
      const segment = this.ruleSegment(rfields.get('segment'), node, rpath, segments);
      const rank = rfields.get('rank');
      if (rank && !(isScalar(rank.value) && Number.isInteger(rank.value.value))) {
        this.r.error(rank.value ?? rank.key, `${rpath}.rank`, `must be an integer, got ${describe(rank.value)}`);
      }
      const distributions: DistributionDef[] = [];
      const dlist = this.list(rfields, rpath, 'distributions');
      let total = 0;
      dlist?.items.forEach((d, j) => {
        const dpath = `${rpath}.distributions[${j}]`;
        const dfields = this.fields(d, dpath, ['variant', 'rollout'], 'a distribution');
        if (!dfields || !d) return;
        const variant = this.string(dfields, d, dpath, 'variant', { required: true, nonEmpty: true });
        const rollout = this.percentage(dfields, d, dpath, 'rollout');
        if (variant !== undefined && !variantKeys.includes(variant)) {
          this.r.error(
            dfields.get('variant')?.value,
            `${dpath}.variant`,
            `references unknown variant "${variant}"${didYouMean(variant, variantKeys)}; this flag's variants: ${variantKeys.join(', ') || 'none'}`,
          );
        }
        if (rollout !== undefined) total += rollout;
        if (variant !== undefined && rollout !== undefined) distributions.push({ variant, rollout, line: this.r.position(d).line });
      });
      if (total > 100 + 1e-9) {
        this.r.error(dlist?.node, `${rpath}.distributions`, `rollouts add up to ${total}; they must not exceed 100`);
      }
      if (segment) out.push({ segmentKeys: segment.keys, operator: segment.operator, distributions, line: this.r.position(node).line });
    });
    return out;
  }

  private rollouts(fields: Fields, path: string, type: FlagType | undefined, segments: Map<string, unknown>): RolloutDef[] {
    const out: RolloutDef[] = [];
    const entry = fields.get('rollouts');
    const list = this.list(fields, path, 'rollouts');
    if (!list || !entry) return out;
    this.requireVersion(entry.key, `${path}.rollouts`, '1.1', 'rollouts');
    if (type !== 'BOOLEAN_FLAG_TYPE' && list.items.length > 0) {
      this.r.error(entry.key, `${path}.rollouts`, 'only BOOLEAN_FLAG_TYPE flags have rollouts (variant flags use "rules")');
      return out;
    }
    list.items.forEach((node, i) => {
      const rpath = `${path}.rollouts[${i}]`;
      const rfields = this.fields(node, rpath, ['description', 'threshold', 'segment'], 'a rollout');
      if (!rfields || !node) return;
      const description = this.string(rfields, node, rpath, 'description');
      const line = this.r.position(node).line;
      const threshold = rfields.get('threshold');
      const segment = rfields.get('segment');
      if (threshold && segment) {
        this.r.error(node, rpath, 'a rollout has either "threshold" or "segment", not both');
        return;
      }
      if (!threshold && !segment) {
        this.r.error(node, rpath, 'a rollout needs "threshold" or "segment"');
        return;
      }
      if (threshold) {
        const tpath = `${rpath}.threshold`;
        const tfields = this.fields(threshold.value, tpath, ['percentage', 'value'], 'a threshold');
        if (!tfields) return;
        const percentage = this.percentage(tfields, threshold.value, tpath, 'percentage');
        const value = this.boolean(tfields, tpath, 'value', false);
        if (percentage !== undefined) out.push({ kind: 'threshold', description, percentage, value, line });
        return;
      }
      if (segment) {
        const spath = `${rpath}.segment`;
        const sfields = this.fields(segment.value, spath, ['key', 'keys', 'operator', 'value'], 'a rollout segment');
        if (!sfields) return;
        const keyEntry = sfields.get('key');
        const keysEntry = sfields.get('keys');
        let keys: string[] | undefined;
        if (keyEntry && keysEntry) {
          this.r.error(segment.value, spath, 'use "key" or "keys", not both');
        } else if (keyEntry) {
          const key = this.string(sfields, segment.value, spath, 'key', { pattern: KEY_PATTERN });
          if (key) {
            this.segmentReference(keyEntry.value, `${spath}.key`, segments, key);
            keys = [key];
          }
        } else if (keysEntry) {
          this.requireVersion(keysEntry.key, `${spath}.keys`, '1.2', 'a rollout on several segments ("keys")');
          keys = this.keyList(keysEntry.value, `${spath}.keys`, segments);
        } else {
          this.r.error(segment.value, spath, 'needs "key" (one segment) or "keys" (several)');
        }
        const operator = this.enumValue<SegmentOperator>(sfields, segment.value, spath, 'operator', SEGMENT_OPERATORS, {
          required: false,
          fallback: 'OR_SEGMENT_OPERATOR',
        });
        const value = this.boolean(sfields, spath, 'value', false);
        if (keys && operator) out.push({ kind: 'segment', description, segmentKeys: keys, operator, value, line });
      }
    });
    return out;
  }
}

const INT32_NOTE = 'the in-process engine compares 32-bit integers only; decimals never match';

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Flipt checks constraint values when they are saved through its API; we check them in files too. */
export function constraintValueProblem(type: ComparisonType, operator: string, value: string): string | undefined {
  if (operator === 'isoneof' || operator === 'isnotoneof') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return `"${operator}" needs a JSON list such as ["eu","us-east"], got ${JSON.stringify(value)}`;
    }
    if (!Array.isArray(parsed) || parsed.length === 0) return `"${operator}" needs a non-empty JSON list, got ${JSON.stringify(value)}`;
    if (type === 'NUMBER_COMPARISON_TYPE') {
      return parsed.every((v) => typeof v === 'number' && isInt32(v)) ? undefined : `"${operator}" on numbers needs a JSON list of whole numbers such as [1,2] (${INT32_NOTE})`;
    }
    return parsed.every((v) => typeof v === 'string') ? undefined : `"${operator}" needs a JSON list of strings such as ["a","b"]`;
  }
  if (type === 'NUMBER_COMPARISON_TYPE') {
    return /^-?\d+$/.test(value.trim()) && isInt32(Number(value)) ? undefined : `must be a whole number (${INT32_NOTE}), got ${JSON.stringify(value)}`;
  }
  if (type === 'DATETIME_COMPARISON_TYPE') {
    return RFC3339.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : `must be an RFC 3339 date-time such as 2025-01-31T00:00:00Z (the in-process engine does not understand dates without a time), got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** Validates one parsed YAML document of a features file. Problems go to the reporter. */
export function validateFeatureDocument(
  doc: Document.Parsed,
  reporter: Reporter,
  file: string,
  displayPath: string,
  index: number,
): FeatureDocument | undefined {
  return new DocumentValidator(reporter).document(doc, file, displayPath, index);
}

/** Validates a `.flipt.yml` index document; returns its include/exclude globs. */
export function validateIndexDocument(
  doc: Document.Parsed,
  reporter: Reporter,
): { include?: string[]; exclude?: string[] } {
  const v = new DocumentValidator(reporter);
  const root = doc.contents as YNode;
  if (root === null || root === undefined) return {};
  const fields = v.fields(root, '', ['version', 'include', 'exclude'], 'the index file');
  if (!fields) return {};
  const versionEntry = fields.get('version');
  if (versionEntry && !(isScalar(versionEntry.value) && typeof versionEntry.value.value === 'string')) {
    reporter.error(versionEntry.value, 'version', `must be a quoted string such as "1.0", got ${describe(versionEntry.value)}`);
  }
  const globs = (field: string): string[] | undefined => {
    const list = v.list(fields, '', field);
    if (!list) return undefined;
    const out: string[] = [];
    list.items.forEach((item, i) => {
      if (isScalar(item) && typeof item.value === 'string' && item.value.length > 0) out.push(item.value);
      else reporter.error(item, `${field}[${i}]`, `must be a glob string, got ${describe(item)}`);
    });
    return out;
  };
  return { include: globs('include'), exclude: globs('exclude') };
}
