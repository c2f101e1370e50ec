import { BaseFliptClient, ErrorStrategy, FliptClient as EngineFactory, Response as EngineResponse } from '@flipt-io/flipt-client-js';
import { Meter, metrics } from '@opentelemetry/api';
import { FlagSourceOptions, FlagsSettings, loadFlagsSettings } from './config';
import { EngineDocument, EngineSegment } from './engine-document';
import { formatProblem } from './format';
import { checkRegistry, parseAttachment } from './registry-check';
import {
  BooleanFlagKey,
  flagRegistry,
  isFlagKey,
  NotifyChannel,
  VariantFlagDefinition,
  VariantFlagKey,
  VariantResult,
} from './registry';
import { FileFlagSource, FlagSource, FlagSourceError, FliptServerSource, SourceSnapshot } from './sources';
import { EvaluationReason, FlagsTelemetry, METER_NAME, reasonFromEngine } from './telemetry';

/** Who and what a flag is evaluated for. All values are strings, as Flipt's context is. */
export interface FlagContext {
  /** Entity id: the user id. Requests without a user share the entity "anonymous". */
  userId?: string;
  /** Account plan (`free`, `premium`). */
  plan?: string;
  /** Region code (`eu`, `us-east`, …). */
  region?: string;
  /** Further context properties for segment constraints; they override the client's defaults. */
  attributes?: Readonly<Record<string, string>>;
}

export const ANONYMOUS_ENTITY = 'anonymous';

/** Minimal logger; Nest's `Logger` and console both fit through an adapter. */
export interface FlagsLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const consoleFlagsLogger: FlagsLogger = {
  info: (message, details) => console.info(`[flags] ${message}`, details ?? ''),
  warn: (message, details) => console.warn(`[flags] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[flags] ${message}`, details ?? ''),
};

export interface FlagsClientOptions {
  /** Where flag state comes from: the flag files, a Flipt server, or any custom source. */
  source: FlagSourceOptions | FlagSource;
  /** Flipt namespace (the document's `namespace`). */
  namespace: string;
  /** Sent as the `environment` context key (`dev`, `staging`, `prod`): the `env-*` segments use it. */
  environment?: string;
  /** Sent as the `service` context key. */
  service?: string;
  /** Sent as the `service_version` context key, so a flag can target a canary. */
  serviceVersion?: string;
  /** How often the source is polled (files also trigger a reload on change). Default 1000 ms. */
  refreshIntervalMs?: number;
  logger?: FlagsLogger;
  /** Defaults to `metrics.getMeter('boxoffice-flags')`, taken when the client is created. */
  meter?: Meter;
  /** Call the WASM engine without the package's camelCase/snake_case conversions (default true; see `RawEngine`). */
  directEngineCalls?: boolean;
}

/** What `/health` shows about flags. */
export interface FlagsStatus {
  provider: 'flipt';
  source: 'files' | 'flipt';
  /** Flag directory or Flipt URL. */
  location: string;
  namespace: string;
  environment: string | null;
  /** A flag state has been loaded at least once. */
  loaded: boolean;
  /** Evaluations use the last known state (or defaults, if none loaded) because the source is failing. */
  stale: boolean;
  revision: string | null;
  flagCount: number;
  /** Last time the source answered with a usable state (changed or not). */
  lastSuccessAt: string | null;
  /** Last time the flag state changed. */
  lastChangeAt: string | null;
  lastAttemptAt: string | null;
  /** Why the last attempt failed; null when it succeeded. */
  lastError: string | null;
  /** The file problems behind `lastError` (`file:line:column path: message`), at most 20. */
  problems: string[];
  /** Non-fatal findings: flags the code reads that answer with their default, format warnings. */
  warnings: string[];
}

/** In Node the package's `FliptClient` is its Node build, which adds `close()` (typed as the browser build). */
type EngineClient = BaseFliptClient & { close?(): void };

/**
 * The WASM engine object inside the package's client (`client.engine`, snake_case requests).
 * The package's public methods convert every request and response between camelCase and
 * snake_case with regular expressions, which doubles the cost of an evaluation (measured:
 * ~13 µs through `evaluateBoolean`, ~6.5 µs calling the engine). We call the engine directly
 * when it has the expected shape, and fall back to the public methods otherwise.
 */
interface RawEngine {
  evaluate_boolean(request: RawRequest): RawResult<{ enabled: boolean; reason: string }>;
  evaluate_variant(request: RawRequest): RawResult<{ reason: string; variant_key: string; variant_attachment?: string }>;
}
interface RawRequest {
  flag_key: string;
  entity_id: string;
  context: Record<string, string>;
}
type RawResult<T> = { status: string; result?: T; errorMessage?: string } | null | undefined;

class EngineShapeError extends Error {}

const NOISY_INIT_WARNING = 'using deprecated parameters for the initialization function';

/** Per flag, the context properties its segments' constraints read (entity-id constraints read the entity id). */
export function constraintProperties(document: EngineDocument): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const flag of document.flags ?? []) {
    const properties = new Set<string>();
    const visit = (segments: EngineSegment[] | undefined) => {
      for (const segment of segments ?? []) {
        for (const constraint of segment.constraints ?? []) {
          if (constraint.type !== 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE') properties.add(constraint.property);
        }
      }
    };
    for (const rule of flag.rules ?? []) visit(rule.segments);
    for (const rollout of flag.rollouts ?? []) if ('segment' in rollout) visit(rollout.segment?.segments);
    out.set(flag.key, [...properties]);
  }
  return out;
}

function emptyDocument(namespace: string): EngineDocument {
  return { namespace: { key: namespace }, flags: [] };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'rejected without a reason' : String(error);
}

function errorType(error: unknown): string {
  const message = errorMessage(error);
  if (/failed to get flag|not found/i.test(message)) return 'flag_not_found';
  if (/is not a (boolean|variant) flag/.test(message)) return 'type_mismatch';
  return 'general';
}

interface CachedVariant {
  result: VariantResult<VariantFlagKey>;
  reason?: 'error';
  errorType?: string;
}

/**
 * Evaluates Box Office's flags in-process with Flipt's own engine (WASM). Nothing on the
 * evaluation path touches the network or the disk: state is loaded in the background
 * (`refreshIntervalMs` polling, plus file watching for the files source) and swapped in whole.
 * When a load fails, the previous state stays in use and `status()` says why.
 */
export class FlagsClient {
  private engine!: EngineClient;
  private raw?: RawEngine;
  private pending: EngineDocument;
  private readonly source: FlagSource;
  private readonly telemetry: FlagsTelemetry;
  private readonly logger: FlagsLogger;
  private readonly baseContext: Record<string, string>;
  private readonly refreshIntervalMs: number;

  private revision: string | null = null;
  private flagCount = 0;
  private loaded = false;
  private failing = true;
  private contentRejected = false;
  private lastSuccessAt: Date | null = null;
  private lastChangeAt: Date | null = null;
  private lastAttemptAt: Date | null = null;
  private lastError: string | null = 'not loaded yet';
  private problems: string[] = [];
  private warnings: string[] = [];

  private pollTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private unwatch?: () => void;
  private inflight?: Promise<boolean>;
  private rerun = false;
  private stopped = false;
  private readonly loggedEvaluationErrors = new Set<string>();
  private readonly variantCache = new Map<string, CachedVariant>();
  private propertiesByFlag = new Map<string, readonly string[]>();

  private constructor(private readonly options: FlagsClientOptions) {
    this.source = FlagsClient.sourceFrom(options.source, options.namespace);
    this.logger = options.logger ?? consoleFlagsLogger;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 1000;
    this.pending = emptyDocument(options.namespace);
    this.baseContext = {};
    if (options.environment) this.baseContext.environment = options.environment;
    if (options.service) this.baseContext.service = options.service;
    if (options.serviceVersion) this.baseContext.service_version = options.serviceVersion;
    this.telemetry = new FlagsTelemetry(options.meter ?? metrics.getMeter(METER_NAME), options.namespace, this.source.kind, () => this.failing);
  }

  /** Loads the flag state once (failures leave defaults in place), then keeps it fresh in the background. */
  static async create(options: FlagsClientOptions): Promise<FlagsClient> {
    const client = new FlagsClient(options);
    await client.start();
    return client;
  }

  /** `create()` with settings from the environment (`FLIPT_URL`, `FLIPT_NAMESPACE`, `FLAGS_DIR`, …). */
  static async fromEnv(
    overrides: Partial<Omit<FlagsClientOptions, 'source' | 'namespace'>> & { env?: NodeJS.ProcessEnv } = {},
  ): Promise<FlagsClient> {
    const { env, ...rest } = overrides;
    const settings: FlagsSettings = loadFlagsSettings(env);
    const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    return FlagsClient.create({
      source: settings.source,
      namespace: settings.namespace,
      environment: settings.environment,
      refreshIntervalMs: settings.refreshIntervalMs,
      ...given,
    });
  }

  private static sourceFrom(source: FlagSourceOptions | FlagSource, namespace: string): FlagSource {
    if ('load' in source) return source;
    if (source.kind === 'files') return new FileFlagSource(source.dir, namespace, { watch: source.watch });
    return new FliptServerSource({
      url: source.url,
      namespace,
      clientToken: source.clientToken,
      timeoutMs: source.timeoutMs,
      environment: source.fliptEnvironment,
    });
  }

  // ---------------------------------------------------------------- evaluation

  /** Evaluates a boolean flag. Never throws: on any failure it returns the flag's safe default. */
  isEnabled(key: BooleanFlagKey, context: FlagContext = {}): boolean {
    const definition = flagRegistry[key];
    if (!definition || definition.type !== 'boolean') return this.unknownKey(key, false);
    let value = definition.default;
    let reason: EvaluationReason = 'error';
    let type: string | undefined;
    try {
      const response = this.evaluateBooleanInEngine(key, context.userId || ANONYMOUS_ENTITY, this.contextOf(key, context));
      value = response.enabled;
      reason = reasonFromEngine(response.reason);
    } catch (error) {
      type = errorType(error);
      this.noteEvaluationError(key, error);
    }
    this.telemetry.recordEvaluation(key, value ? 'true' : 'false', reason, type);
    return value;
  }

  /**
   * Evaluates a variant flag: the variant key and its attachment, parsed with the registry's
   * schema. A disabled flag, no matching rule without a default variant, an unknown variant or
   * an unreadable attachment all give the registry default.
   */
  variant<K extends VariantFlagKey>(key: K, context: FlagContext = {}): VariantResult<K> {
    const definition = flagRegistry[key] as unknown as VariantFlagDefinition<string, unknown>;
    if (!definition || definition.type !== 'variant') return this.unknownKey(key, undefined as never);
    const fallback = this.defaultVariant(key, definition);
    let result = fallback;
    let reason: EvaluationReason = 'error';
    let type: string | undefined;
    try {
      const response = this.evaluateVariantInEngine(key, context.userId || ANONYMOUS_ENTITY, this.contextOf(key, context));
      reason = reasonFromEngine(response.reason);
      if (reason !== 'disabled' && response.variantKey) {
        const parsed = this.parseVariant(key, definition, response.variantKey, response.variantAttachment);
        result = parsed.result;
        if (parsed.reason) {
          reason = parsed.reason;
          type = parsed.errorType;
        }
      }
    } catch (error) {
      type = errorType(error);
      this.noteEvaluationError(key, error);
    }
    this.telemetry.recordEvaluation(key, result.key, reason, type);
    return result as VariantResult<K>;
  }

  /** Share of payments to fail on purpose, 0..1 (demo fault injection; 0 unless the flag says otherwise). */
  paymentFailureRate(context: FlagContext = {}): number {
    return this.variant('checkout-payment-failure-rate', context).attachment.rate;
  }

  /** Milliseconds to wait before answering (demo fault injection; 0 unless the flag says otherwise). */
  addedLatencyMs(context: FlagContext = {}): number {
    return this.variant('checkout-added-latency-ms', context).attachment.ms;
  }

  /** Channel notify uses for this user. */
  notifyChannel(context: FlagContext = {}): NotifyChannel {
    return this.variant('notify-channel', context).key;
  }

  private evaluateBooleanInEngine(flagKey: string, entityId: string, context: Record<string, string>): { enabled: boolean; reason: string } {
    if (this.raw) {
      try {
        const response = this.raw.evaluate_boolean({ flag_key: flagKey, entity_id: entityId, context });
        if (response?.status === 'success' && typeof response.result?.enabled === 'boolean') return response.result;
        if (response?.status === 'failure') throw new Error(response.errorMessage ?? 'evaluation failed');
        throw new EngineShapeError(`unexpected engine answer: ${JSON.stringify(response)}`);
      } catch (error) {
        if (!(error instanceof EngineShapeError) && !(error instanceof TypeError)) throw error;
        this.dropRawEngine(error);
      }
    }
    return this.engine.evaluateBoolean({ flagKey, entityId, context });
  }

  private evaluateVariantInEngine(
    flagKey: string,
    entityId: string,
    context: Record<string, string>,
  ): { reason: string; variantKey: string; variantAttachment?: string } {
    if (this.raw) {
      try {
        const response = this.raw.evaluate_variant({ flag_key: flagKey, entity_id: entityId, context });
        const result = response?.result;
        if (response?.status === 'success' && result && typeof result.variant_key === 'string') {
          return { reason: result.reason, variantKey: result.variant_key, variantAttachment: result.variant_attachment };
        }
        if (response?.status === 'failure') throw new Error(response.errorMessage ?? 'evaluation failed');
        throw new EngineShapeError(`unexpected engine answer: ${JSON.stringify(response)}`);
      } catch (error) {
        if (!(error instanceof EngineShapeError) && !(error instanceof TypeError)) throw error;
        this.dropRawEngine(error);
      }
    }
    return this.engine.evaluateVariant({ flagKey, entityId, context });
  }

  private dropRawEngine(error: unknown): void {
    this.raw = undefined;
    this.logger.warn('calling the engine directly failed; using the client package\'s public methods from now on', { error: errorMessage(error) });
  }

  /**
   * The context handed to the engine: only the properties the flag's constraints read. Crossing
   * into WASM costs about 1 µs per property, and the engine looks at nothing else (the entity id
   * travels separately), so the answer is the same as with the full context.
   * Precedence: `attributes`, then `plan`/`region`, then the client's defaults.
   */
  private contextOf(key: string, context: FlagContext): Record<string, string> {
    const out: Record<string, string> = {};
    const properties = this.propertiesByFlag.get(key);
    if (!properties) return out;
    for (const property of properties) {
      const value =
        context.attributes?.[property] ??
        (property === 'plan' ? context.plan || undefined : property === 'region' ? context.region || undefined : undefined) ??
        this.baseContext[property];
      if (value !== undefined) out[property] = value;
    }
    return out;
  }

  private defaultVariant(key: string, definition: VariantFlagDefinition<string, unknown>): VariantResult<VariantFlagKey> {
    const cacheKey = `${key}\0<default>`;
    let cached = this.variantCache.get(cacheKey);
    if (!cached) {
      cached = { result: Object.freeze({ key: definition.default, attachment: definition.defaultAttachment }) as VariantResult<VariantFlagKey> };
      this.variantCache.set(cacheKey, cached);
    }
    return cached.result;
  }

  /** Parsing is cached per (flag, variant, attachment): an evaluation costs one Map lookup here. */
  private parseVariant(key: string, definition: VariantFlagDefinition<string, unknown>, variantKey: string, rawAttachment: string | undefined): CachedVariant {
    const cacheKey = `${key}\0${variantKey}\0${rawAttachment ?? ''}`;
    const cached = this.variantCache.get(cacheKey);
    if (cached) return cached;
    let entry: CachedVariant;
    if (!definition.variants.includes(variantKey)) {
      entry = { result: this.defaultVariant(key, definition), reason: 'error', errorType: 'unknown_variant' };
      this.logger.warn(`flag "${key}" answered variant "${variantKey}", which the code does not know; using "${definition.default}"`);
    } else {
      const json = parseAttachment(rawAttachment);
      const parsed = json.ok ? definition.attachment.safeParse(json.value) : undefined;
      if (parsed?.success) {
        entry = { result: Object.freeze({ key: variantKey, attachment: parsed.data }) as VariantResult<VariantFlagKey> };
      } else {
        entry = { result: this.defaultVariant(key, definition), reason: 'error', errorType: 'parse_error' };
        this.logger.warn(`flag "${key}" variant "${variantKey}" has an attachment the code cannot read; using "${definition.default}"`, {
          attachment: rawAttachment,
          problem: json.ok ? parsed?.error.issues[0]?.message : json.error,
        });
      }
    }
    if (this.variantCache.size < 1000) this.variantCache.set(cacheKey, entry);
    return entry;
  }

  private unknownKey<T>(key: string, value: T): T {
    if (!isFlagKey(key)) this.noteEvaluationError(key, new Error(`"${key}" is not in the flag registry`));
    return value;
  }

  private noteEvaluationError(key: string, error: unknown): void {
    const id = `${this.revision}\0${key}`;
    if (this.loggedEvaluationErrors.has(id)) return;
    if (this.loggedEvaluationErrors.size > 1000) this.loggedEvaluationErrors.clear();
    this.loggedEvaluationErrors.add(id);
    this.logger.warn(`flag "${key}" could not be evaluated; using its default`, { error: errorMessage(error) });
  }

  // ---------------------------------------------------------------- state

  /** Source, freshness and the last error, for `/health`. */
  status(): FlagsStatus {
    return {
      provider: 'flipt',
      source: this.source.kind,
      location: this.source.location,
      namespace: this.options.namespace,
      environment: this.options.environment ?? null,
      loaded: this.loaded,
      stale: this.failing,
      revision: this.revision,
      flagCount: this.flagCount,
      lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
      lastChangeAt: this.lastChangeAt?.toISOString() ?? null,
      lastAttemptAt: this.lastAttemptAt?.toISOString() ?? null,
      lastError: this.failing ? this.lastError : null,
      problems: this.failing ? this.problems : [],
      warnings: this.warnings,
    };
  }

  /** Loads the source now (the background loop does this on its own). Resolves true when the state changed; never rejects. */
  refresh(): Promise<boolean> {
    if (this.inflight) {
      this.rerun = true;
      return this.inflight;
    }
    const run = this.reload()
      .catch((error: unknown) => {
        // Never reject: refresh runs from timers and watchers.
        this.recordFailure(error, false);
        return false;
      })
      .finally(() => {
        this.inflight = undefined;
        if (this.rerun && !this.stopped) {
          this.rerun = false;
          void this.refresh();
        }
      });
    this.inflight = run;
    return run;
  }

  /** Stops polling and watching. Evaluation keeps answering from the last state. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.watchTimer);
    this.unwatch?.();
    this.telemetry.close();
    await this.inflight?.catch(() => undefined);
    this.engine?.close?.();
  }

  private async start(): Promise<void> {
    this.lastAttemptAt = new Date();
    let initial: SourceSnapshot | undefined;
    try {
      const result = await this.source.load();
      if (result !== 'unchanged') initial = result;
    } catch (error) {
      this.recordFailure(error, error instanceof FlagSourceError && error.problems.length > 0);
    }
    if (initial) {
      try {
        this.engine = await this.initEngine(initial.document);
        this.accept(initial.revision, initial.document, initial.warnings);
      } catch (error) {
        this.source.invalidate?.();
        this.recordFailure(new FlagSourceError(`the engine rejected the flag state: ${errorMessage(error)}`), true);
      }
    }
    if (!this.engine) this.engine = await this.initEngine(emptyDocument(this.options.namespace));
    const inner = (this.engine as unknown as { engine?: Partial<RawEngine> }).engine;
    if (this.options.directEngineCalls !== false && typeof inner?.evaluate_boolean === 'function' && typeof inner.evaluate_variant === 'function') {
      this.raw = inner as RawEngine;
    }
    if (this.source.watch) {
      this.unwatch = this.source.watch(() => {
        clearTimeout(this.watchTimer);
        // Editors write in several steps; wait for the burst to settle.
        this.watchTimer = setTimeout(() => void this.refresh(), 50);
        this.watchTimer.unref();
      });
    }
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      void this.refresh().finally(() => this.schedulePoll());
    }, this.refreshIntervalMs);
    this.pollTimer.unref();
  }

  private async initEngine(document: EngineDocument): Promise<EngineClient> {
    this.pending = document;
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith(NOISY_INIT_WARNING)) return;
      warn(...args);
    };
    try {
      return await EngineFactory.init({
        namespace: this.options.namespace,
        fetcher: async () => this.respond(),
        errorStrategy: ErrorStrategy.Fail,
      });
    } finally {
      console.warn = warn;
    }
  }

  /** The engine's fetcher: hands over the document the source produced. No ETag, so it always applies it. */
  private respond(): EngineResponse {
    const document = this.pending;
    return { ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => document };
  }

  private async reload(): Promise<boolean> {
    this.lastAttemptAt = new Date();
    let result: Awaited<ReturnType<FlagSource['load']>>;
    try {
      result = await this.source.load();
    } catch (error) {
      this.recordFailure(error, error instanceof FlagSourceError && error.problems.length > 0);
      return false;
    }
    if (result === 'unchanged' || (result.revision === this.revision && !this.contentRejected)) {
      if (this.contentRejected) {
        this.telemetry.recordReload('failed');
        return false;
      }
      this.recordSuccess(false);
      return false;
    }
    this.pending = result.document;
    try {
      await this.engine.refresh();
    } catch (error) {
      this.source.invalidate?.();
      this.recordFailure(new FlagSourceError(`the engine rejected the flag state: ${errorMessage(error)}`), true);
      return false;
    }
    this.accept(result.revision, result.document, result.warnings);
    return true;
  }

  private accept(revision: string, document: EngineDocument, warnings: string[]): void {
    const first = !this.loaded;
    this.revision = revision;
    this.flagCount = document.flags.length;
    this.loaded = true;
    this.variantCache.clear();
    this.propertiesByFlag = constraintProperties(document);
    this.warnings = [...warnings, ...checkRegistry(document)];
    this.lastChangeAt = new Date();
    this.recordSuccess(true);
    this.logger.info(first ? 'flags loaded' : 'flags changed', {
      source: this.source.kind,
      location: this.source.location,
      namespace: this.options.namespace,
      revision: revision.slice(0, 12),
      flags: this.flagCount,
    });
    for (const warning of this.warnings) this.logger.warn(warning);
  }

  private recordSuccess(changed: boolean): void {
    const recovered = this.failing && this.loaded && !changed;
    this.failing = false;
    this.contentRejected = false;
    this.lastError = null;
    this.problems = [];
    this.lastSuccessAt = new Date();
    this.telemetry.recordReload(changed ? 'changed' : 'unchanged');
    if (recovered) this.logger.info('flag source recovered', { location: this.source.location });
  }

  private recordFailure(error: unknown, contentRejected: boolean): void {
    const message = errorMessage(error);
    const problems = error instanceof FlagSourceError ? error.problems.slice(0, 20).map(formatProblem) : [];
    const repeated = this.failing && this.lastError === message;
    this.failing = true;
    this.contentRejected = contentRejected;
    this.lastError = message;
    this.problems = problems;
    this.telemetry.recordReload('failed');
    if (!repeated) {
      this.logger.error(
        this.loaded ? 'flag source failed; evaluating on the last known state' : 'flag source failed; flags answer with their defaults',
        { source: this.source.kind, location: this.source.location, error: message, problems },
      );
    }
  }
}
