import { Controller, Get, Inject, InjectionToken, Provider } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from './problem';

/** One dependency the service needs to serve traffic (database, Kafka, …). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

/**
 * A dependency that is reported on /health/ready but never makes the service unready: the check
 * answers `{ reachable: false, error, note }` instead of failing. For dependencies whose outage the
 * service rides out by itself, where leaving the load balancer would only add an outage.
 */
export function reportedOnly(check: ReadinessCheck, note: string): ReadinessCheck {
  return {
    name: check.name,
    async check() {
      try {
        const details = await check.check();
        return details !== null && typeof details === 'object' ? { reachable: true, ...details } : { reachable: true };
      } catch (error) {
        return { reachable: false, error: error instanceof Error ? error.message : String(error), note };
      }
    },
  };
}

export interface ServiceIdentity {
  service: string;
  version: string;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');

/** Flipped when shutdown starts so the load balancer stops sending traffic before the server closes. */
export class ShutdownState {
  draining = false;

  beforeApplicationShutdown(): void {
    this.draining = true;
  }
}

type CheckResult = { status: 'up'; details?: unknown } | { status: 'down'; error: string };

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service identity and version (shows which side of a canary answered)' })
  info() {
    return { status: 'ok', ...this.identity, uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is running' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: every dependency answers; 503 while draining or when one does not' })
  async ready() {
    const results: Record<string, CheckResult> = {};
    await Promise.all(
      this.checks.map(async (probe) => {
        const name = probe.name;
        try {
          const details = await probe.check();
          results[name] = details === undefined ? { status: 'up' } : { status: 'up', details };
        } catch (error) {
          results[name] = { status: 'down', error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const down = Object.entries(results).filter(([, r]) => r.status === 'down').map(([name]) => name);
    if (this.shutdown.draining) down.unshift('shutdown in progress');
    if (down.length > 0) {
      throw new ProblemException(503, 'not-ready', 'Not ready', `not ready: ${down.join(', ')}`, { checks: results }, { 'Retry-After': '5' });
    }
    return { status: 'ok', ...this.identity, checks: results };
  }
}

export interface HealthOptions<Deps extends unknown[]> {
  identity: ServiceIdentity;
  inject: { [K in keyof Deps]: InjectionToken };
  checks: (...deps: Deps) => ReadinessCheck[];
}

/** Providers behind HealthController: the service names its readiness checks and their dependencies. */
export function healthProviders<Deps extends unknown[]>(options: HealthOptions<Deps>): Provider[] {
  return [
    ShutdownState,
    { provide: SERVICE_IDENTITY, useValue: options.identity },
    { provide: READINESS_CHECKS, inject: options.inject as InjectionToken[], useFactory: (...deps: unknown[]) => options.checks(...(deps as Deps)) },
  ];
}
