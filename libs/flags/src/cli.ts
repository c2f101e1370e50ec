import * as path from 'node:path';
import { ClientTokenAuthentication, FliptClient as FliptServerClient } from '@flipt-io/flipt';
import { ConfigError, loadConfig } from '@boxoffice/config';
import { flagsEnv } from './config';
import { describeFlag, editFlag, FlagEdit, FlagEditError, findFlag, parsePercent } from './edit';
import { readFlagDirectory, validateFlagFiles } from './flag-files';
import { FlagContext, FlagsClient, FlagsLogger } from './flags-client';
import { formatProblem } from './format';
import { flagRegistry, isFlagKey } from './registry';

/**
 * `npm run flags -- <command>`: list, inspect, validate and change Box Office's flags.
 * Without FLIPT_URL it edits the flag files (k8s/flags or FLAGS_DIR) in place, keeping comments,
 * and never writes an invalid file. With FLIPT_URL it reads from that Flipt server.
 */

export const USAGE = `Usage: npm run flags -- <command> [options]

Commands
  list                          flags, their type and what they answer
  get <key> [context]           one flag in detail; with context options, what it answers for them
  enable <key>                  boolean: answer true when no rollout matches; variant: turn the flag on
  disable <key>                 boolean: answer false when no rollout matches; variant: turn the flag off
  rollout <key> <percent>       boolean: answer true for <percent> % of users (0-100, stable per user id)
  variant <key> <variant>       variant: the variant answered when no rule matches
  validate                      check every flag file against Flipt's format rules

Context options (get): --user <id> --plan <plan> --region <region> --env <dev|staging|prod>
                       --service <name> --service-version <version>
Options: --dir <path> (default FLAGS_DIR or k8s/flags), --namespace <key> (default FLIPT_NAMESPACE or boxoffice)

Environment: FLIPT_URL (read from a Flipt server instead of the files), FLIPT_NAMESPACE,
FLIPT_CLIENT_TOKEN, FLAGS_DIR.
Exit codes: 0 done, 1 failed (invalid files, server error), 2 usage error.`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

class UsageError extends Error {}

const CONTEXT_OPTIONS = ['user', 'plan', 'region', 'env', 'service', 'service-version'];
const GLOBAL_OPTIONS = ['dir', 'namespace'];

interface Parsed {
  command?: string;
  args: string[];
  options: Record<string, string>;
}

function parseArgs(argv: string[]): Parsed {
  const args: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      options.help = 'true';
    } else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (![...CONTEXT_OPTIONS, ...GLOBAL_OPTIONS].includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      options[name] = value;
    } else {
      args.push(arg);
    }
  }
  return { command: args[0], args: args.slice(1), options };
}

function arity(parsed: Parsed, count: number, shape: string): void {
  if (parsed.args.length !== count) throw new UsageError(`usage: npm run flags -- ${parsed.command} ${shape}`);
}

function contextOf(options: Record<string, string>): { context: FlagContext; environment?: string; given: boolean } {
  const attributes: Record<string, string> = {};
  if (options.service) attributes.service = options.service;
  if (options['service-version']) attributes.service_version = options['service-version'];
  if (options.env) attributes.environment = options.env;
  const context: FlagContext = { userId: options.user, plan: options.plan, region: options.region, attributes };
  const given = CONTEXT_OPTIONS.some((o) => options[o] !== undefined);
  return { context, environment: options.env, given };
}

const silent: FlagsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs one CLI command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = { env: process.env, cwd: process.cwd(), out: console.log, err: console.error }): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed.options.help || !parsed.command || parsed.command === 'help') {
      (parsed.command || parsed.options.help ? io.out : io.err)(USAGE);
      return parsed.command || parsed.options.help ? 0 : 2;
    }
    const config = loadConfig(flagsEnv, io.env);
    const namespace = parsed.options.namespace ?? config.FLIPT_NAMESPACE;
    const dir = path.resolve(io.cwd, parsed.options.dir ?? config.FLAGS_DIR);
    if (config.FLIPT_URL && parsed.command !== 'validate') {
      return await runAgainstServer(parsed, config.FLIPT_URL, namespace, config.FLIPT_CLIENT_TOKEN, io);
    }
    return await runOnFiles(parsed, dir, namespace, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err('run "npm run flags -- help" for the commands');
      return 2;
    }
    if (error instanceof FlagEditError) {
      io.err(`error: ${error.message}`);
      return error.usage ? 2 : 1;
    }
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    io.err(`error: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

function requireKnownPercent(raw: string): number {
  const percent = parsePercent(raw);
  if (percent === undefined) throw new FlagEditError(`percent must be a number from 0 to 100 (e.g. 30 or 12.5), got "${raw}"`, true);
  return percent;
}

async function runOnFiles(parsed: Parsed, dir: string, namespace: string, io: CliIo): Promise<number> {
  switch (parsed.command) {
    case 'validate': {
      const report = validateFlagFiles(dir);
      for (const message of report.messages) (message.endsWith('(warning)') ? io.out : io.err)(message);
      if (!report.valid) {
        io.err(`${report.errors.length} error(s) in ${report.files.length} file(s) under ${report.dir}`);
        return 1;
      }
      io.out(`ok: ${report.files.length} file(s) valid${report.warnings.length ? `, ${report.warnings.length} warning(s)` : ''} (${report.files.join(', ')})`);
      return 0;
    }
    case 'list': {
      arity(parsed, 0, '');
      const directory = readFlagDirectory(dir);
      if (!directory.valid) return reportInvalid(directory.errors.map(formatProblem), io);
      const flags = directory.documents.filter((d) => d.namespace === namespace).flatMap((d) => d.flags);
      if (flags.length === 0) {
        io.out(`no flags in namespace "${namespace}" under ${directory.dir}`);
        return 0;
      }
      const width = Math.max(...flags.map((f) => f.key.length));
      for (const flag of flags) io.out(`${flag.key.padEnd(width)}  ${describeFlag(flag)}`);
      return 0;
    }
    case 'get': {
      arity(parsed, 1, '<key> [--user id --plan p --region r --env e]');
      const directory = readFlagDirectory(dir);
      if (!directory.valid) return reportInvalid(directory.errors.map(formatProblem), io);
      const { doc, flag } = findFlag(directory, namespace, parsed.args[0]);
      io.out(`${flag.key} — ${flag.name} (${doc.displayPath}:${flag.line})`);
      if (flag.description) io.out(`  ${flag.description}`);
      io.out(`  ${describeFlag(flag)}`);
      if (flag.type === 'VARIANT_FLAG_TYPE') {
        for (const v of flag.variants) io.out(`  variant ${v.key}${v.default ? ' (default)' : ''}${v.attachment !== null ? ` ${JSON.stringify(v.attachment)}` : ''}`);
      }
      const { context, environment, given } = contextOf(parsed.options);
      if (given) {
        if (!isFlagKey(flag.key)) {
          io.out('  (not in the code registry: no evaluation shown)');
          return 0;
        }
        const client = await FlagsClient.create({ source: { kind: 'files', dir }, namespace, environment, logger: silent });
        try {
          io.out(`  for ${JSON.stringify({ ...context, attributes: undefined, ...context.attributes })}: ${evaluateLocally(client, flag.key, context)}`);
        } finally {
          await client.stop();
        }
      }
      return 0;
    }
    case 'enable':
    case 'disable':
    case 'rollout':
    case 'variant': {
      let edit: FlagEdit;
      if (parsed.command === 'rollout') {
        arity(parsed, 2, '<key> <percent>');
        edit = { kind: 'rollout', percent: requireKnownPercent(parsed.args[1]) };
      } else if (parsed.command === 'variant') {
        arity(parsed, 2, '<key> <variant>');
        edit = { kind: 'default-variant', variant: parsed.args[1] };
      } else {
        arity(parsed, 1, '<key>');
        edit = { kind: parsed.command };
      }
      const result = editFlag(dir, namespace, parsed.args[0], edit);
      if (!result.changed) {
        io.out(`${result.flag.key}: unchanged (${result.after})`);
      } else {
        io.out(`${result.flag.key}: ${result.before}`);
        io.out(`${' '.repeat(result.flag.key.length)}→ ${result.after}`);
        io.out(`written ${result.file}; ${whoPicksItUp(dir, io.env)}`);
      }
      for (const note of result.notes) io.out(`note: ${note}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${parsed.command}"`);
  }
}

/**
 * Whether the change reaches running services: `npm run flags` passes the running demo's flag
 * directory as BOXOFFICE_DEMO_FLAGS_DIR (libs/local-stack/src/with-local.ts).
 */
export function whoPicksItUp(dir: string, env: NodeJS.ProcessEnv): string {
  const demoDir = env.BOXOFFICE_DEMO_FLAGS_DIR;
  if (demoDir && path.resolve(demoDir) === dir) return "the running demo's services read it and pick the change up within 2 s";
  if (demoDir) return `the running demo reads ${demoDir}, not this directory: its services do not see this change`;
  return 'no demo is running (npm start runs one); services reading this directory pick the change up within 2 s';
}

function evaluateLocally(client: FlagsClient, key: keyof typeof flagRegistry, context: FlagContext): string {
  const definition = flagRegistry[key];
  if (definition.type === 'boolean') return String(client.isEnabled(key as never, context));
  const result = client.variant(key as never, context) as { key: string; attachment: unknown };
  return `${result.key}${result.attachment !== null ? ` ${JSON.stringify(result.attachment)}` : ''}`;
}

function reportInvalid(messages: string[], io: CliIo): number {
  for (const message of messages) io.err(message);
  io.err('the flag files are invalid; run "npm run flags -- validate"');
  return 1;
}

async function runAgainstServer(parsed: Parsed, url: string, namespace: string, token: string | undefined, io: CliIo): Promise<number> {
  const server = new FliptServerClient({
    url: url.replace(/\/+$/, ''),
    timeout: 5,
    ...(token ? { authenticationStrategy: new ClientTokenAuthentication(token) } : {}),
  });
  switch (parsed.command) {
    case 'list': {
      arity(parsed, 0, '');
      const { flags } = await server.flags.listFlags(namespace);
      if (flags.length === 0) io.out(`no flags in namespace "${namespace}" at ${url}`);
      const width = Math.max(0, ...flags.map((f) => f.key.length));
      for (const flag of flags) {
        const type = flag.type === 'BOOLEAN_FLAG_TYPE' ? 'boolean' : 'variant';
        const variants = flag.variants?.length ? `, variants ${flag.variants.map((v) => v.key).join('/')}` : '';
        io.out(`${flag.key.padEnd(width)}  ${type}, enabled ${flag.enabled}${variants}`);
      }
      return 0;
    }
    case 'get': {
      arity(parsed, 1, '<key> [--user id --plan p --region r --env e]');
      const key = parsed.args[0];
      const { flags } = await server.flags.listFlags(namespace);
      const flag = flags.find((f) => f.key === key);
      if (!flag) throw new FlagEditError(`unknown flag "${key}" in namespace "${namespace}" at ${url}. Known flags: ${flags.map((f) => f.key).join(', ') || 'none'}`, true);
      io.out(`${flag.key} — ${flag.name} (${url}, namespace ${namespace})`);
      if (flag.description) io.out(`  ${flag.description}`);
      io.out(`  ${flag.type === 'BOOLEAN_FLAG_TYPE' ? 'boolean' : 'variant'}, enabled ${flag.enabled}`);
      const { context, given } = contextOf(parsed.options);
      if (given) {
        const request = {
          namespaceKey: namespace,
          flagKey: key,
          entityId: context.userId || 'anonymous',
          context: { ...(context.plan ? { plan: context.plan } : {}), ...(context.region ? { region: context.region } : {}), ...context.attributes },
        };
        if (flag.type === 'BOOLEAN_FLAG_TYPE') {
          const answer = await server.evaluation.boolean(request);
          io.out(`  Flipt answers ${answer.enabled} (${answer.reason})`);
        } else {
          const answer = await server.evaluation.variant(request);
          io.out(`  Flipt answers ${answer.variantKey || '(no variant)'} (${answer.reason})${answer.variantAttachment ? ` ${answer.variantAttachment}` : ''}`);
        }
      }
      return 0;
    }
    case 'enable':
    case 'disable':
    case 'rollout':
    case 'variant':
      io.err(
        `error: "${parsed.command}" changes flag files, and the Flipt at ${url} serves them from git (read-only). ` +
          'Unset FLIPT_URL to edit k8s/flags here, then commit and push: Flipt picks the change up on its next git poll.',
      );
      return 1;
    default:
      throw new UsageError(`unknown command "${parsed.command}"`);
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
