import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { DEFAULT_INCLUDE, FeatureDocument, FlagProblem, formatProblem, INDEX_FILE } from './format';
import { Reporter, validateFeatureDocument, validateIndexDocument } from './validate-document';

export interface FlagFile {
  /** Absolute path. */
  file: string;
  /** Path relative to the flag directory, with "/" separators (what the index globs match). */
  relative: string;
  /** Path as shown in messages. */
  displayPath: string;
  text: string;
}

export interface FlagDirectory {
  /** Absolute path of the directory. */
  dir: string;
  /** The state files the index selects, in the order Flipt reads them (lexical). */
  files: FlagFile[];
  /** Valid documents (documents with errors are left out). */
  documents: FeatureDocument[];
  problems: FlagProblem[];
  errors: FlagProblem[];
  warnings: FlagProblem[];
  valid: boolean;
  /** Hash of the selected files' names and contents: equal revisions mean equal flag state. */
  revision: string;
}

export interface ReadOptions {
  /** Replace a file's content (absolute path → text) without touching the disk: used to validate an edit before writing it. */
  overrides?: ReadonlyMap<string, string>;
}

/** Shows a path relative to the working directory when it is inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * Translates a Flipt index glob (gobwas/glob, compiled without separators) into a RegExp:
 * `*` and `**` match any characters including "/", `?` one character, `{a,b}` alternatives,
 * `[abc]`/`[!abc]` character classes.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      while (glob[i + 1] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      inGroup++;
      out += '(?:';
    } else if (c === '}' && inGroup > 0) {
      inGroup--;
      out += ')';
    } else if (c === ',' && inGroup > 0) {
      out += '|';
    } else if (c === '\\' && i + 1 < glob.length) {
      i++;
      out += glob[i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, base = ''): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      out.push(...walk(path.join(dir, entry.name), relative));
    } else if (entry.isFile()) {
      out.push(relative);
    }
  }
  return out;
}

function readText(file: string, overrides?: ReadonlyMap<string, string>): string {
  return overrides?.get(file) ?? readFileSync(file, 'utf8');
}

/**
 * Reads a flag directory the way Flipt's declarative storage does (index file, include/exclude
 * globs, YAML streams) and validates every document. Never throws for content problems: they are
 * returned with file, line and column.
 */
export function readFlagDirectory(dir: string, options: ReadOptions = {}): FlagDirectory {
  const root = path.resolve(dir);
  const problems: FlagProblem[] = [];
  const documents: FeatureDocument[] = [];
  const files: FlagFile[] = [];
  const hash = createHash('sha1');

  if (!existsSync(root) || !statSync(root).isDirectory()) {
    problems.push({ file: displayPath(root), line: 1, column: 1, path: '', message: 'flag directory not found', severity: 'error' });
    return finish();
  }

  let include = DEFAULT_INCLUDE;
  let exclude: string[] = [];
  const indexPath = path.join(root, INDEX_FILE);
  if (options.overrides?.has(indexPath) || existsSync(indexPath)) {
    const text = readText(indexPath, options.overrides);
    hash.update(`${INDEX_FILE}\0${text}\0`);
    const lineCounter = new LineCounter();
    const reporter = new Reporter(displayPath(indexPath), lineCounter, problems);
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
    const parsed = Array.isArray(docs) ? docs : [];
    for (const doc of parsed) {
      for (const error of doc.errors) reporter.errorAtOffset(error.pos[0], '', error.message.split('\n')[0]);
    }
    if (parsed[0] && parsed[0].errors.length === 0) {
      const index = validateIndexDocument(parsed[0], reporter);
      if (index.include) include = index.include;
      if (index.exclude) exclude = index.exclude;
    }
  }

  const includes = include.map(globToRegExp);
  const excludes = exclude.map(globToRegExp);
  const selected = walk(root).filter(
    (relative) => relative !== INDEX_FILE && includes.some((g) => g.test(relative)) && !excludes.some((g) => g.test(relative)),
  );

  for (const relative of selected) {
    const file = path.join(root, relative);
    const text = readText(file, options.overrides);
    const shown = displayPath(file);
    files.push({ file, relative, displayPath: shown, text });
    hash.update(`${relative}\0${text}\0`);

    const lineCounter = new LineCounter();
    const reporter = new Reporter(shown, lineCounter, problems);
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (!Array.isArray(parsed) || parsed.length === 0) {
      // An emptied file is far more often a bad write than a wish to drop every flag in it.
      reporter.error(null, '', 'file is empty: a flag file needs at least version and namespace');
      continue;
    }
    parsed.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        for (const error of doc.errors) reporter.errorAtOffset(error.pos[0], '', `YAML: ${error.message.split('\n')[0]}`);
        return;
      }
      for (const warning of doc.warnings) reporter.warn(null, '', `YAML: ${warning.message.split('\n')[0]}`);
      const before = reporter.errorCount;
      const document = validateFeatureDocument(doc, reporter, file, shown, index);
      if (document && reporter.errorCount === before) documents.push(document);
    });
  }

  checkAcrossDocuments(documents, problems);
  return finish();

  function finish(): FlagDirectory {
    const errors = problems.filter((p) => p.severity === 'error');
    return {
      dir: root,
      files,
      documents: errors.length === 0 ? documents : documents.filter((d) => !errors.some((e) => e.file === d.displayPath)),
      problems,
      errors,
      warnings: problems.filter((p) => p.severity === 'warning'),
      valid: errors.length === 0,
      revision: hash.digest('hex'),
    };
  }
}

/** Keys are unique per namespace, across all files. */
function checkAcrossDocuments(documents: FeatureDocument[], problems: FlagProblem[]): void {
  const flags = new Map<string, { doc: FeatureDocument; line: number }>();
  const segments = new Map<string, { doc: FeatureDocument; line: number }>();
  for (const doc of documents) {
    for (const flag of doc.flags) {
      const id = `${doc.namespace}/${flag.key}`;
      const first = flags.get(id);
      if (first && first.doc !== doc) {
        problems.push({
          file: doc.displayPath,
          line: flag.line,
          column: 1,
          path: `flag "${flag.key}"`,
          message: `flag "${flag.key}" is already defined in namespace "${doc.namespace}" at ${first.doc.displayPath}:${first.line}`,
          severity: 'error',
        });
      } else if (!first) {
        flags.set(id, { doc, line: flag.line });
      }
    }
    for (const segment of doc.segments) {
      const id = `${doc.namespace}/${segment.key}`;
      const first = segments.get(id);
      if (first && first.doc !== doc) {
        problems.push({
          file: doc.displayPath,
          line: segment.line,
          column: 1,
          path: `segment "${segment.key}"`,
          message: `segment "${segment.key}" is already defined in namespace "${doc.namespace}" at ${first.doc.displayPath}:${first.line}`,
          severity: 'error',
        });
      } else if (!first) {
        segments.set(id, { doc, line: segment.line });
      }
    }
  }
}

export interface ValidationReport {
  valid: boolean;
  dir: string;
  /** The files that were validated, as shown in messages. */
  files: string[];
  errors: FlagProblem[];
  warnings: FlagProblem[];
  /** One line per problem: `file:line:column path: message`. */
  messages: string[];
}

/** Validates every flag file in a directory against Flipt's format rules. */
export function validateFlagFiles(dir: string, options: ReadOptions = {}): ValidationReport {
  const result = readFlagDirectory(dir, options);
  return {
    valid: result.valid,
    dir: result.dir,
    files: result.files.map((f) => f.displayPath),
    errors: result.errors,
    warnings: result.warnings,
    messages: result.problems.map(formatProblem),
  };
}

/** Thrown when a flag directory cannot be used; carries every problem. */
export class FlagFilesError extends Error {
  constructor(readonly problems: FlagProblem[]) {
    super(
      problems.length === 1
        ? `invalid flag file: ${formatProblem(problems[0])}`
        : `invalid flag files (${problems.length} problems): ${problems.slice(0, 5).map(formatProblem).join('; ')}${problems.length > 5 ? '; …' : ''}`,
    );
    this.name = 'FlagFilesError';
  }
}
