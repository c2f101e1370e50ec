import { FlagsClient, FlagsStatus } from './flags-client';

/**
 * A readiness check for `@boxoffice/http`'s health controller: reports the flag status and never
 * fails, because every flag has a safe default: stale flags are a warning, not a reason to stop
 * serving traffic. (`/health/ready` shows it under `checks.flags.details`.)
 */
export function flagsReadinessCheck(flags: FlagsClient): { name: string; check(): Promise<FlagsStatus> } {
  return { name: 'flags', check: async () => flags.status() };
}
