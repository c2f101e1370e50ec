import { loggerOptions } from '@boxoffice/telemetry';
import { LoggerModule } from 'nestjs-pino';

export interface LoggingOptions {
  service: string;
  version: string;
  level: string;
}

/**
 * Structured JSON logs (pino) with service, version, request id and the active trace and span ids
 * on every line; credentials are redacted by path and then on the whole serialized line
 * (see `loggerOptions` in @boxoffice/telemetry and docs/observability.md).
 */
export function loggingModule(options: LoggingOptions) {
  return LoggerModule.forRoot(loggerOptions(options));
}
