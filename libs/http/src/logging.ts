import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Paths never logged: credentials and tokens in headers or bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

export interface LoggingOptions {
  service: string;
  version: string;
  level: string;
}

/** Structured JSON logs (pino) with service, version and a request id on every line. */
export function loggingModule(options: LoggingOptions) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: options.level,
      base: { service: options.service, version: options.version },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => {
        const header = req.headers['x-request-id'];
        return typeof header === 'string' && header.length <= 128 ? header : randomUUID();
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
      quietReqLogger: true,
    },
  });
}
