import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { FlagDirectory, FlagFile, readFlagDirectory } from './flag-files';
import { FeatureDocument, FlagDef, FlagProblem, formatProblem, RolloutDef } from './format';

export type FlagEdit =
  | { kind: 'enable' }
  | { kind: 'disable' }
  /** Boolean flags: the share of users (by user id) the threshold rollout answers `true` for. */
  | { kind: 'rollout'; percent: number }
  /** Variant flags: the variant answered when no rule matches. */
  | { kind: 'default-variant'; variant: string };

/** Why an edit was refused. `usage` errors are the caller's mistake (unknown key, wrong flag type, bad value). */
export class FlagEditError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
    readonly problems: FlagProblem[] = [],
  ) {
    super(message);
    this.name = 'FlagEditError';
  }
}

export interface EditResult {
  file: string;
  flag: FlagDef;
  /** The flag before and after, in words. */
  before: string;
  after: string;
  changed: boolean;
  notes: string[];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Parses the percentage a person typed: `30`, `30%`, `12.5`. */
export function parsePercent(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value >= 0 && value <= 100 ? value : undefined;
}

function describeRollout(rollout: RolloutDef): string {
  if (rollout.kind === 'threshold') return `${rollout.percentage} % of users → ${rollout.value}`;
  const joined = rollout.segmentKeys.join(rollout.operator === 'AND_SEGMENT_OPERATOR' ? ' AND ' : ' OR ');
  return `segment ${joined} → ${rollout.value}`;
}

/** A flag in one line: what it answers and when. */
export function describeFlag(flag: FlagDef): string {
  if (flag.type === 'BOOLEAN_FLAG_TYPE') {
    const rollouts = flag.rollouts.map(describeRollout);
    return rollouts.length === 0
      ? `boolean, ${flag.enabled}`
      : `boolean: ${rollouts.join('; then ')}; otherwise ${flag.enabled}`;
  }
  if (!flag.enabled) return 'variant, disabled (callers get their default)';
  const fallback = flag.variants.find((v) => v.default)?.key;
  const rules = flag.rules.map((rule) => {
    const who = rule.segmentKeys.join(rule.operator === 'AND_SEGMENT_OPERATOR' ? ' AND ' : ' OR ');
    const what = rule.distributions.map((d) => (d.rollout === 100 ? d.variant : `${d.variant} ${d.rollout} %`)).join(', ');
    return `${who} → ${what || 'nothing'}`;
  });
  const parts = [...rules, `otherwise ${fallback ?? 'no variant (callers get their default)'}`];
  return `variant: ${parts.join('; ')}`;
}

export function findFlag(directory: FlagDirectory, namespace: string, key: string): { doc: FeatureDocument; flag: FlagDef } {
  for (const doc of directory.documents) {
    if (doc.namespace !== namespace) continue;
    const flag = doc.flags.find((f) => f.key === key);
    if (flag) return { doc, flag };
  }
  const known = directory.documents.filter((d) => d.namespace === namespace).flatMap((d) => d.flags.map((f) => f.key));
  throw new FlagEditError(
    `unknown flag "${key}" in namespace "${namespace}". Known flags: ${known.length ? known.join(', ') : 'none'}`,
    true,
  );
}

function lineEnd(text: string, offset: number): number {
  const index = text.indexOf('\n', offset);
  return index === -1 ? text.length : index;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function pairOf(map: YAMLMap, key: string): { key: Scalar; value: Node | null } | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && pair.key.value === key) return { key: pair.key, value: pair.value as Node | null };
  }
  return undefined;
}

/** Replaces a scalar's text, keeping everything around it (comments, layout) byte for byte. */
function setScalar(node: Node | null | undefined, text: string): Splice {
  if (!isScalar(node) || !node.range) throw new FlagEditError('the flag file has an unexpected shape here; edit it by hand', false);
  return { start: node.range[0], end: node.range[1], text };
}

/** Adds `key: value` lines to a block mapping, after its last entry, at the entries' indentation. */
function appendToMap(text: string, map: YAMLMap, lines: string[]): Splice {
  if (map.flow || !map.range || map.items.length === 0) {
    throw new FlagEditError('the flag is written in flow style ({...}); edit it by hand or rewrite it in block style', false);
  }
  const firstKey = map.items[0].key as Node;
  const indent = ' '.repeat(columnOf(text, firstKey.range?.[0] ?? map.range[0]));
  const at = lineEnd(text, Math.max(map.range[0], map.range[1] - 1));
  return { start: at, end: at, text: lines.map((l) => `\n${indent}${l}`).join('') };
}

/** Adds `key: value` right after a mapping's first entry (the `key:` line of a variant). */
function insertAfterFirstEntry(text: string, map: YAMLMap, line: string): Splice {
  if (map.flow || map.items.length === 0) throw new FlagEditError('the variant is written in flow style; edit it by hand', false);
  const first = map.items[0];
  const keyNode = first.key as Node;
  const valueNode = first.value as Node | null;
  const indent = ' '.repeat(columnOf(text, keyNode.range?.[0] ?? 0));
  const at = lineEnd(text, (valueNode?.range?.[1] ?? keyNode.range?.[1] ?? 0) - 1);
  return { start: at, end: at, text: `\n${indent}${line}` };
}

function applySplices(text: string, splices: Splice[]): string {
  return [...splices].sort((a, b) => b.start - a.start).reduce((out, s) => out.slice(0, s.start) + s.text + out.slice(s.end), text);
}

function flagNode(file: FlagFile, docIndex: number, key: string): { text: string; map: YAMLMap } {
  const docs = parseAllDocuments(file.text, { lineCounter: new LineCounter() });
  const doc = Array.isArray(docs) ? docs[docIndex] : undefined;
  const flags = doc && isMap(doc.contents) ? pairOf(doc.contents as YAMLMap, 'flags')?.value : undefined;
  if (!isSeq(flags)) throw new FlagEditError(`cannot find the flags list in ${file.displayPath}`, false);
  for (const item of (flags as YAMLSeq).items) {
    if (isMap(item) && isScalar(pairOf(item, 'key')?.value) && (pairOf(item, 'key')?.value as Scalar).value === key) {
      return { text: file.text, map: item };
    }
  }
  throw new FlagEditError(`cannot find flag "${key}" in ${file.displayPath}`, false);
}

function planSplices(text: string, map: YAMLMap, flag: FlagDef, edit: FlagEdit, notes: string[]): Splice[] {
  const splices: Splice[] = [];
  const setEnabled = (value: boolean) => {
    const enabled = pairOf(map, 'enabled');
    if (enabled) splices.push(setScalar(enabled.value, String(value)));
    else splices.push(appendToMap(text, map, [`enabled: ${value}`]));
  };

  switch (edit.kind) {
    case 'enable':
    case 'disable': {
      const value = edit.kind === 'enable';
      setEnabled(value);
      if (flag.type === 'BOOLEAN_FLAG_TYPE') {
        const contrary = flag.rollouts.filter((r) => r.value !== value);
        if (contrary.length > 0) {
          notes.push(
            `"enabled" is this boolean flag's answer when no rollout matches; these rollouts still answer ${!value}: ${contrary.map(describeRollout).join('; ')}`,
          );
        }
      }
      return splices;
    }
    case 'rollout': {
      if (flag.type !== 'BOOLEAN_FLAG_TYPE') {
        throw new FlagEditError(
          `"${flag.key}" is a variant flag; "rollout" sets a boolean flag's percentage. Change its rules' distributions in the file, or use "variant ${flag.key} <variant>"`,
          true,
        );
      }
      const rolloutsPair = pairOf(map, 'rollouts');
      const rollouts = isSeq(rolloutsPair?.value) ? (rolloutsPair?.value as YAMLSeq) : undefined;
      const thresholdIndex = flag.rollouts.findIndex((r) => r.kind === 'threshold');
      let value = true;
      if (rollouts && thresholdIndex >= 0) {
        const item = rollouts.items[thresholdIndex] as YAMLMap;
        const threshold = pairOf(item, 'threshold')?.value as YAMLMap;
        splices.push(setScalar(pairOf(threshold, 'percentage')?.value, String(edit.percent)));
        value = (flag.rollouts[thresholdIndex] as { value: boolean }).value;
      } else if (rollouts && !rollouts.flow && rollouts.range && rollouts.items.length > 0) {
        const indent = ' '.repeat(columnOf(text, rollouts.range[0]));
        const at = lineEnd(text, rollouts.range[1] - 1);
        const lines = [`- description: ${edit.percent} % of users by user id`, '  threshold:', `    percentage: ${edit.percent}`, '    value: true'];
        splices.push({ start: at, end: at, text: lines.map((l) => `\n${indent}${l}`).join('') });
      } else if (!rolloutsPair || (isSeq(rolloutsPair.value) && (rolloutsPair.value as YAMLSeq).items.length === 0)) {
        if (rolloutsPair) throw new FlagEditError('the flag has an empty "rollouts: []"; remove it and retry', false);
        splices.push(
          appendToMap(text, map, [
            'rollouts:',
            `  - description: ${edit.percent} % of users by user id`,
            '    threshold:',
            `      percentage: ${edit.percent}`,
            '      value: true',
          ]),
        );
      } else {
        throw new FlagEditError('the rollouts list is written in flow style; edit it by hand', false);
      }
      // "N % of users get true" needs `false` as the answer for everyone else.
      if (value && flag.enabled) {
        setEnabled(false);
        notes.push('set "enabled: false" so that users outside the percentage get false');
      }
      if (!value) notes.push(`this flag's threshold answers false: ${edit.percent} % of users get false`);
      return splices;
    }
    case 'default-variant': {
      if (flag.type !== 'VARIANT_FLAG_TYPE') {
        throw new FlagEditError(`"${flag.key}" is a boolean flag; use enable, disable or rollout`, true);
      }
      const known = flag.variants.map((v) => v.key);
      if (!known.includes(edit.variant)) {
        throw new FlagEditError(`unknown variant "${edit.variant}" for "${flag.key}". Known variants: ${known.join(', ')}`, true);
      }
      const variants = pairOf(map, 'variants')?.value;
      if (!isSeq(variants)) throw new FlagEditError('cannot find the variants list', false);
      for (const item of (variants as YAMLSeq).items) {
        if (!isMap(item)) continue;
        const key = (pairOf(item, 'key')?.value as Scalar | undefined)?.value;
        const current = pairOf(item, 'default');
        if (key === edit.variant) {
          if (current) splices.push(setScalar(current.value, 'true'));
          else splices.push(insertAfterFirstEntry(text, item, 'default: true'));
        } else if (current && isScalar(current.value) && current.value.value === true) {
          splices.push(setScalar(current.value, 'false'));
        }
      }
      if (!flag.enabled) notes.push('the flag is disabled: callers get their code default until you run "enable"');
      return splices;
    }
  }
}

/**
 * Edits one flag in the flag files, keeping comments and layout: only the changed scalars are
 * rewritten (or a few lines added). The whole directory is validated with the change before
 * anything is written, and the file is replaced atomically, so a watcher never sees half a file.
 */
export function editFlag(dir: string, namespace: string, key: string, edit: FlagEdit): EditResult {
  if (edit.kind === 'rollout' && !(edit.percent >= 0 && edit.percent <= 100)) {
    throw new FlagEditError(`percent must be a number from 0 to 100, got ${edit.percent}`, true);
  }
  const directory = readFlagDirectory(dir);
  if (!directory.valid) {
    throw new FlagEditError(
      `the flag files are invalid already; fix them first:\n${directory.errors.map(formatProblem).join('\n')}`,
      false,
      directory.errors,
    );
  }
  const { doc, flag } = findFlag(directory, namespace, key);
  const file = directory.files.find((f) => f.file === doc.file);
  if (!file) throw new FlagEditError(`cannot find ${doc.displayPath}`, false);

  const { text, map } = flagNode(file, doc.index, key);
  const notes: string[] = [];
  const updated = applySplices(text, planSplices(text, map, flag, edit, notes));

  const check = readFlagDirectory(dir, { overrides: new Map([[file.file, updated]]) });
  if (!check.valid) {
    throw new FlagEditError(
      `refusing to write: the change would make the flag files invalid:\n${check.errors.map(formatProblem).join('\n')}`,
      false,
      check.errors,
    );
  }
  const after = findFlag(check, namespace, key).flag;
  const changed = updated !== text;
  if (changed) {
    const temporary = path.join(path.dirname(file.file), `.${path.basename(file.file)}.${process.pid}.tmp`);
    writeFileSync(temporary, updated, 'utf8');
    renameSync(temporary, file.file);
  }
  return { file: file.displayPath, flag: after, before: describeFlag(flag), after: describeFlag(after), changed, notes };
}
