import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PrismaService } from '../database/prisma.service';

export interface RateLimitPolicy {
  /** Part of the counter key, e.g. "login-ip". */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the current window ends (at least 1): the Retry-After value. */
  retryAfterSeconds: number;
}

interface CounterRow {
  hits: number;
  retry_after: number;
}

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Fixed-window counters in PostgreSQL, so every replica sees the same counts. One upsert per
 * counted request; the database's clock decides windows, so replicas' clocks do not matter.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimiter.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(private readonly db: PrismaService) {}

  /** Counts one request against the policy; allowed while the window's count is within the limit. */
  async hit(policy: RateLimitPolicy, subject: string): Promise<RateDecision> {
    const [row] = await this.db.$queryRaw<CounterRow[]>`
      INSERT INTO rate_limit_counter (key, hits, window_ends_at)
      VALUES (${counterKey(policy, subject)}, 1, now() + make_interval(secs => ${policy.windowMs / 1000}::float8))
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN rate_limit_counter.window_ends_at <= now() THEN 1 ELSE rate_limit_counter.hits + 1 END,
        window_ends_at = CASE WHEN rate_limit_counter.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE rate_limit_counter.window_ends_at END
      RETURNING hits, greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS retry_after`;
    return { allowed: row.hits <= policy.limit, retryAfterSeconds: row.retry_after };
  }

  /** Whether the subject has used up the window already, without counting this request. */
  async check(policy: RateLimitPolicy, subject: string): Promise<RateDecision> {
    const [row] = await this.db.$queryRaw<CounterRow[]>`
      SELECT hits, greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS retry_after
      FROM rate_limit_counter WHERE key = ${counterKey(policy, subject)} AND window_ends_at > now()`;
    return row ? { allowed: row.hits < policy.limit, retryAfterSeconds: row.retry_after } : { allowed: true, retryAfterSeconds: 0 };
  }

  async reset(policy: RateLimitPolicy, subject: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM rate_limit_counter WHERE key = ${counterKey(policy, subject)}`;
  }

  /** Drops counters whose window has ended; they would be reset on their next hit anyway. */
  async purgeExpired(): Promise<number> {
    return this.db.$executeRaw`DELETE FROM rate_limit_counter WHERE window_ends_at < now()`;
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn(`rate-limit purge skipped: ${String(error)}`));
    }, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}

/** Subjects (emails, IPs) are hashed: the table holds counts, not personal data. */
function counterKey(policy: RateLimitPolicy, subject: string): string {
  return `${policy.name}:${createHash('sha256').update(subject).digest('base64url')}`;
}
