import { createLocalJWKSet, errors, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';

export interface JwksCacheOptions {
  url: string;
  /** Keys older than this are refreshed in the background; the cached ones keep being used meanwhile. */
  maxAgeMs?: number;
  /** At most one fetch per cooldown, whatever asks for it (unknown kid, age, an earlier failure). */
  cooldownMs?: number;
  timeoutMs?: number;
}

/** The JWKS could not be fetched and no cached key answers: a server-side problem, not a bad token. */
export class KeysUnavailableError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`signing keys unavailable (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'KeysUnavailableError';
  }
}

export interface JwksCacheStats {
  fetches: number;
  failedFetches: number;
  keys: number;
  fetchedAt?: Date;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * login's public keys, fetched over HTTP and kept in memory. Differs from jose's
 * createRemoteJWKSet in two ways that matter when login is down or rotating:
 * - stale keys keep verifying while a refresh fails (login down ≠ every request rejected), and
 *   a stale set is refreshed in the background instead of on the request path;
 * - the cooldown counts fetch attempts, not successes, so neither a stream of unknown `kid`s nor
 *   an unreachable login turns into one fetch per request.
 * Key matching and JWK import are jose's (createLocalJWKSet).
 */
export class JwksCache {
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private keySet?: LocalKeySet;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private pending?: Promise<LocalKeySet>;
  private readonly counters = { fetches: 0, failedFetches: 0, keys: 0 };

  constructor(private readonly options: JwksCacheOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
  }

  /** A key resolver for jose's jwtVerify. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike | Uint8Array> => {
    let keySet = this.keySet;
    if (!keySet) {
      if (this.coolingDown() && !this.pending) throw new KeysUnavailableError(this.options.url, 'last fetch failed; retrying after the cooldown');
      keySet = await this.refresh();
    } else if (Date.now() - this.fetchedAt >= this.maxAgeMs && !this.coolingDown()) {
      this.refresh().catch(() => undefined);
    }
    try {
      return await keySet(header, token);
    } catch (error) {
      // An unknown kid may be a key login started signing with after our last fetch.
      if (!(error instanceof errors.JWKSNoMatchingKey) || (this.coolingDown() && !this.pending)) throw error;
      return (await this.refresh())(header, token);
    }
  };

  stats(): JwksCacheStats {
    return { ...this.counters, fetchedAt: this.fetchedAt ? new Date(this.fetchedAt) : undefined };
  }

  private coolingDown(): boolean {
    return Date.now() - this.lastAttemptAt < this.cooldownMs;
  }

  /** One fetch at a time; concurrent callers share it. Throws KeysUnavailableError. */
  private refresh(): Promise<LocalKeySet> {
    this.pending ??= this.fetchKeys().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchKeys(): Promise<LocalKeySet> {
    this.lastAttemptAt = Date.now();
    this.counters.fetches += 1;
    try {
      const response = await fetch(this.options.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(`GET ${this.options.url} answered ${response.status}`);
      const jwks = (await response.json()) as JSONWebKeySet;
      const keySet = createLocalJWKSet(jwks);
      this.keySet = keySet;
      this.counters.keys = jwks.keys.length;
      this.fetchedAt = Date.now();
      return keySet;
    } catch (error) {
      this.counters.failedFetches += 1;
      throw new KeysUnavailableError(this.options.url, error);
    }
  }
}
