#!/usr/bin/env node
/**
 * db-migrate: Prisma-compatible migrations without the schema-engine binary.
 *
 *   node_modules/.bin/tsx libs/db-migrate/src/cli.ts <command> [--service <name>] [--name <name>]
 */
import { createMigration } from './create';
import { deployMigrations } from './deploy';
import { ConfigError, SERVICES, type ServiceName, assertServiceName } from './env';
import { generateClient } from './generate';
import { stderrLogger } from './logger';
import { migrationStatus } from './status';

const USAGE = `usage: db-migrate <command> [options]

commands:
  deploy     apply pending migrations (creates the database if missing)
  create     create a migration from schema.prisma changes (needs --name)
  status     list applied / pending migrations
  generate   run prisma generate (offline)

options:
  --service <${SERVICES.join('|')}>   only this service (repeatable, or comma-separated); default: all
  --name <name>                   migration name for create
  --dry-run                       create: print the SQL, write nothing
  --lock-timeout <seconds>        deploy: wait this long for another run's lock (default 10)
  -h, --help

connection: DATABASE_URL_<SERVICE>, or DATABASE_HOST, DATABASE_PORT, DATABASE_USER,
DATABASE_PASSWORD with the database boxoffice_<service>.`;

class UsageError extends Error {}

interface Args {
  command: string;
  services: ServiceName[];
  name?: string;
  dryRun: boolean;
  lockTimeoutMs?: number;
}

function parseArgs(argv: string[]): Args | 'help' {
  const services: ServiceName[] = [];
  let command: string | undefined;
  let name: string | undefined;
  let dryRun = false;
  let lockTimeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--service':
        for (const s of value().split(',')) {
          try {
            services.push(assertServiceName(s.trim()));
          } catch (error) {
            throw new UsageError((error as Error).message);
          }
        }
        break;
      case '--name':
        name = value();
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '--lock-timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--lock-timeout must be a positive number of seconds');
        lockTimeoutMs = seconds * 1000;
        break;
      }
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (command !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
        command = arg;
    }
  }
  if (command === undefined) throw new UsageError('a command is required');
  return { command, services: services.length > 0 ? [...new Set(services)] : [...SERVICES], name, dryRun, lockTimeoutMs };
}

const out = (line = '') => process.stdout.write(`${line}\n`);

/** Runs `fn` for each service in turn; an error names the service it happened in. */
async function eachService(services: ServiceName[], fn: (service: ServiceName) => Promise<void>): Promise<void> {
  for (const service of services) {
    try {
      await fn(service);
    } catch (error) {
      if (error instanceof Error && services.length > 1 && !error.message.includes(service)) {
        error.message = `${service}: ${error.message}`;
      }
      throw error;
    }
  }
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function run(args: Args): Promise<number> {
  const t0 = Date.now();
  switch (args.command) {
    case 'deploy': {
      await eachService(args.services, async (service) => {
        const r = await deployMigrations({ service, logger: stderrLogger, lockTimeoutMs: args.lockTimeoutMs });
        const created = r.databaseCreated ? ', database created' : '';
        out(`${service}: ${r.applied.length} applied, ${r.alreadyApplied.length} already applied${created} (${seconds(r.durationMs)})`);
      });
      out(`deploy done in ${seconds(Date.now() - t0)}`);
      return 0;
    }
    case 'create': {
      const name = args.name;
      if (!name) throw new UsageError('create needs --name <name>');
      await eachService(args.services, async (service) => {
        const r = await createMigration({ service, name, dryRun: args.dryRun, logger: stderrLogger });
        if (!r.migrationName) {
          out(`${service}: no changes, nothing to create (${seconds(r.durationMs)})`);
        } else if (args.dryRun) {
          out(`-- ${service}: ${r.migrationName} (dry run, not written)`);
          out(r.sql?.trimEnd());
        } else {
          out(`${service}: created prisma/migrations/${r.migrationName}/migration.sql (${seconds(r.durationMs)})`);
        }
      });
      return 0;
    }
    case 'status': {
      let allUpToDate = true;
      await eachService(args.services, async (service) => {
        const r = await migrationStatus({ service });
        out(`${service} (database "${r.database}" on ${r.server}${r.databaseExists ? '' : ', does not exist yet'})`);
        if (r.migrations.length === 0) out('  no migrations');
        for (const m of r.migrations) {
          const when = m.finishedAt ? `  ${m.finishedAt.toISOString()}` : m.startedAt ? `  started ${m.startedAt.toISOString()}` : '';
          out(`  ${m.state.padEnd(15)} ${m.name}${when}`);
        }
        const count = (s: string) => r.migrations.filter((m) => m.state === s).length;
        out(`  ${count('applied')} applied, ${count('pending')} pending${count('failed') ? `, ${count('failed')} failed` : ''}${count('modified') ? `, ${count('modified')} modified` : ''}${count('missing-locally') ? `, ${count('missing-locally')} missing locally` : ''}`);
        allUpToDate &&= r.upToDate;
      });
      return allUpToDate ? 0 : 1;
    }
    case 'generate': {
      await eachService(args.services, async (service) => {
        const r = await generateClient({ service, logger: stderrLogger });
        out(`${service}: client generated in services/${service}/src/generated/prisma (${seconds(r.durationMs)})`);
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

async function main(): Promise<void> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`db-migrate: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') {
    out(USAGE);
    return;
  }
  try {
    process.exitCode = await run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`db-migrate: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    const e = error as Error;
    const verbose = !!process.env.DEBUG && !(error instanceof ConfigError);
    process.stderr.write(`db-migrate: error: ${verbose ? (e.stack ?? e.message) : e.message}\n`);
    process.exitCode = 1;
  }
}

void main();
