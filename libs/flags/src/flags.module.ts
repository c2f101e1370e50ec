import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { FlagsClient, FlagsClientOptions, FlagsLogger } from './flags-client';

export interface FlagsModuleOptions extends Partial<FlagsClientOptions> {
  /** Environment to read FLIPT_URL, FLIPT_NAMESPACE, FLAGS_DIR, … from when `source` is not given. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Make `FlagsClient` injectable everywhere without importing the module again. */
  global?: boolean;
}

/** Routes the client's logs through Nest's logger (and so through nestjs-pino when the app uses it). */
export function nestFlagsLogger(context = 'Flags'): FlagsLogger {
  const logger = new Logger(context);
  const line = (message: string, details?: Record<string, unknown>) => (details ? `${message} ${JSON.stringify(details)}` : message);
  return {
    info: (message, details) => logger.log(line(message, details)),
    warn: (message, details) => logger.warn(line(message, details)),
    error: (message, details) => logger.error(line(message, details)),
  };
}

async function createClient(options: FlagsModuleOptions): Promise<FlagsClient> {
  const { env, global: _global, ...rest } = options;
  const logger = rest.logger ?? nestFlagsLogger();
  if (rest.source && rest.namespace) {
    return FlagsClient.create({ ...rest, source: rest.source, namespace: rest.namespace, logger });
  }
  const { source: _source, namespace: _namespace, ...overrides } = rest;
  return FlagsClient.fromEnv({ ...overrides, logger, env });
}

/**
 * `FlagsModule.register({ service: 'checkout', serviceVersion })` provides a started
 * `FlagsClient` (settings from the environment unless `source`/`namespace` are given) and stops
 * it on application shutdown.
 */
@Module({})
export class FlagsModule implements OnApplicationShutdown {
  constructor(@Inject(FlagsClient) private readonly flags: FlagsClient) {}

  static register(options: FlagsModuleOptions = {}): DynamicModule {
    return {
      module: FlagsModule,
      global: options.global ?? false,
      providers: [{ provide: FlagsClient, useFactory: () => createClient(options) }],
      exports: [FlagsClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flags.stop();
  }
}
