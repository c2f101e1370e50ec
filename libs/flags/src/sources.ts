import { createHash } from 'node:crypto';
import { FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { EngineDocument, namespacesOf, toEngineDocument } from './engine-document';
import { FlagFilesError, readFlagDirectory } from './flag-files';
import { FlagProblem, formatProblem } from './format';

/** A loaded flag state, ready for the engine. */
export interface SourceSnapshot {
  document: EngineDocument;
  /** Equal revisions mean equal state (file hash or the server's ETag). */
  revision: string;
  warnings: string[];
}

export interface FlagSource {
  readonly kind: 'files' | 'flipt';
  /** Directory or URL, for status and logs. */
  readonly location: string;
  /**
   * Loads the current state. `unchanged` means "the same as what the last load saw" (whether that
   * load succeeded or failed on its content). Throws on failure.
   */
  load(): Promise<SourceSnapshot | 'unchanged'>;
  /** Calls `onChange` soon after the source may have changed; returns a function that stops watching. */
  watch?(onChange: () => void): () => void;
  /** Forget what was last seen, so the next load reads everything again. */
  invalidate?(): void;
}

/** A load failure, with the file problems when the cause is an invalid flag file. */
export class FlagSourceError extends Error {
  constructor(
    message: string,
    readonly problems: FlagProblem[] = [],
  ) {
    super(message);
    this.name = 'FlagSourceError';
  }
}

/**
 * Flag files in a directory (the repo's `k8s/flags` locally and in tests): validated, converted
 * into the engine document, and watched.
 */
export class FileFlagSource implements FlagSource {
  readonly kind = 'files' as const;
  readonly location: string;
  private fingerprint?: string;

  constructor(
    dir: string,
    private readonly namespace: string,
    private readonly options: { watch?: boolean } = {},
  ) {
    this.location = path.resolve(dir);
  }

  /** Cheap change check: names, sizes and modification times of every file under the directory. */
  private currentFingerprint(): string {
    const hash = createHash('sha1');
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.git' || entry.name === 'node_modules') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.isFile()) {
          const stat = statSync(full);
          hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\0`);
        }
      }
    };
    visit(this.location);
    return hash.digest('hex');
  }

  async load(options: { force?: boolean } = {}): Promise<SourceSnapshot | 'unchanged'> {
    let fingerprint: string;
    try {
      fingerprint = this.currentFingerprint();
    } catch (error) {
      this.fingerprint = undefined;
      throw new FlagSourceError(`cannot read flag directory ${this.location}: ${(error as Error).message}`);
    }
    if (!options.force && fingerprint === this.fingerprint) return 'unchanged';

    const result = readFlagDirectory(this.location);
    if (!result.valid) {
      // Remember the broken state so an unchanged broken file is not re-parsed every poll;
      // the caller keeps reporting the last error.
      this.fingerprint = fingerprint;
      throw new FlagSourceError(new FlagFilesError(result.errors).message, result.errors);
    }
    this.fingerprint = fingerprint;
    const namespaces = namespacesOf(result.documents);
    if (!namespaces.includes(this.namespace)) {
      // A deleted, emptied or half-written file looks like this: applying it would turn every flag
      // (kill switch included) back to its default, so it is a failure and the last good state stays.
      const message = `no flag file in ${result.dir} defines namespace "${this.namespace}" (found: ${namespaces.join(', ') || 'none'}); keeping the last good flags`;
      // Reported as a content problem: the client keeps reporting it while the directory stays so.
      throw new FlagSourceError(message, [{ file: result.dir, line: 1, column: 1, path: '', message, severity: 'error' }]);
    }
    const warnings = result.warnings.map(formatProblem);
    return { document: toEngineDocument(result.documents, this.namespace), revision: result.revision, warnings };
  }

  /** Forget the last fingerprint so the next load re-reads every file. */
  invalidate(): void {
    this.fingerprint = undefined;
  }

  watch(onChange: () => void): () => void {
    if (this.options.watch === false) return () => undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.location, { recursive: true, persistent: false }, () => onChange());
      // Watching is an accelerator; polling stays the guarantee when inotify is unavailable.
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = undefined;
    }
    return () => watcher?.close();
  }
}

const snapshotShape = z.object({
  namespace: z.object({ key: z.string() }),
  flags: z.array(z.object({ key: z.string() }).loose()).nullish(),
});

export interface FliptServerSourceOptions {
  url: string;
  namespace: string;
  clientToken?: string;
  /** Flipt v2 environment (`x-flipt-environment`); Flipt v1 ignores it. */
  environment?: string;
  timeoutMs?: number;
}

/**
 * A Flipt server's snapshot endpoint — the one the engine's own fetcher calls — with a timeout,
 * ETag revalidation and a namespace check before anything reaches the engine.
 */
export class FliptServerSource implements FlagSource {
  readonly kind = 'flipt' as const;
  readonly location: string;
  private readonly snapshotUrl: string;
  private etag?: string;

  constructor(private readonly options: FliptServerSourceOptions) {
    this.location = options.url.replace(/\/+$/, '');
    this.snapshotUrl = `${this.location}/internal/v1/evaluation/snapshot/namespace/${encodeURIComponent(options.namespace)}`;
  }

  async load(): Promise<SourceSnapshot | 'unchanged'> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'x-flipt-accept-server-version': '1.47.0',
      'x-flipt-environment': this.options.environment ?? 'default',
    };
    if (this.options.clientToken) headers.Authorization = `Bearer ${this.options.clientToken}`;
    if (this.etag) headers['If-None-Match'] = this.etag;

    let response: Response;
    try {
      response = await fetch(this.snapshotUrl, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 1500) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs ?? 1500} ms` : cause?.code ?? cause?.message ?? (error as Error).message;
      throw new FlagSourceError(`cannot reach Flipt at ${this.location}: ${reason}`);
    }
    if (response.status === 304) return 'unchanged';
    const body = await response.text().catch(() => '');
    if (!response.ok) {
      throw new FlagSourceError(`Flipt at ${this.location} answered HTTP ${response.status} ${response.statusText}${body ? `: ${body.slice(0, 200)}` : ''}`);
    }
    let raw: unknown;
    let parsed: z.infer<typeof snapshotShape>;
    try {
      raw = JSON.parse(body);
      parsed = snapshotShape.parse(raw);
    } catch (error) {
      throw new FlagSourceError(`Flipt at ${this.location} sent an unreadable snapshot: ${(error as Error).message.split('\n')[0]}`);
    }
    if (parsed.namespace.key !== this.options.namespace) {
      throw new FlagSourceError(`Flipt sent namespace "${parsed.namespace.key}", expected "${this.options.namespace}"`);
    }
    const revision = response.headers.get('etag') ?? createHash('sha1').update(body).digest('hex');
    this.etag = response.headers.get('etag') ?? undefined;
    const document = { ...(raw as EngineDocument), flags: (parsed.flags ?? []) as unknown as EngineDocument['flags'] };
    return { document, revision, warnings: [] };
  }

  /** Forget the ETag so the next load fetches the full snapshot. */
  invalidate(): void {
    this.etag = undefined;
  }
}
