import { isSpanContextValid, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LoggerOptions } from 'pino';
import { isUntracedPath } from './paths';

export interface LoggerIdentity {
  service: string;
  version: string;
  level: string;
}

/** Where credentials are known to sit: replaced by `[redacted]` by pino itself. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
];

export const REDACTED = '[redacted]';

/**
 * Field names whose values never reach a log line, at any depth: any name containing one of these
 * words (case-insensitive), e.g. `password`, `newPassword`, `refresh_token`, `clientSecret`,
 * `x-api-key`, `set-cookie`. Patterns start at the word itself so a line is scanned once.
 */
const NAME = String.raw`(?:password|passwd|secret|token|authorization|cookie|api[_-]?key|credential|private[_-]?key)[A-Za-z0-9_.\-]*`;
const JSON_STRING = String.raw`"[^"\\]*(?:\\.[^"\\]*)*"`;
const JSON_SCALAR = String.raw`-?\d[\d.eE+\-]*|true|false|null`;
const FLAT_ARRAY = String.raw`\[(?:[^\[\]{}"]|${JSON_STRING})*\]`;
const FLAT_OBJECT = String.raw`\{(?:[^{}\[\]"]|${JSON_STRING})*\}`;
const NESTED = String.raw`[^{}\[\]"]|${JSON_STRING}|${FLAT_ARRAY}|${FLAT_OBJECT}`;
/** `"password":"…"` (numbers, and objects or arrays up to two levels deep, too) anywhere in the JSON line. */
const SENSITIVE_FIELD = new RegExp(String.raw`(${NAME})":(?:${JSON_STRING}|${JSON_SCALAR}|\[(?:${NESTED})*\]|\{(?:${NESTED})*\})`, 'gi');
/** The same inside a string holding JSON (a raw request body on a parse error): `\"password\":\"…\"`. */
const ESCAPED_SENSITIVE_FIELD = new RegExp(String.raw`(${NAME})\\":\s*(?:\\"(?:[^"\\]|\\\\\\\\|\\\\\\"|\\\\[^"\\])*\\"|-?\d[\d.]*|true|false|null)`, 'gi');
/** `password=…` in query strings and form bodies. */
const SENSITIVE_PARAM = new RegExp(String.raw`(${NAME})=[^&\s"\\]+`, 'gi');
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const HINT = /password|passwd|secret|token|authoriz|cookie|api[_-]?key|credential|private[_-]?key|bearer|basic|eyJ/i;

/**
 * Last line of defence, applied to every serialized log line before it is written: masks
 * sensitive fields at any depth (request bodies, error payloads, child bindings), credentials in
 * query strings, `Bearer …`/`Basic …` values and anything shaped like a JWT. Lines without a hint
 * of a secret pass through after one regex test. Secrets in free text that follow none of these
 * shapes ("password is hunter2") cannot be recognized: never put them in a message.
 */
export function redactLine(line: string): string {
  if (!HINT.test(line)) return line;
  return line
    .replace(SENSITIVE_FIELD, `$1":"${REDACTED}"`)
    .replace(ESCAPED_SENSITIVE_FIELD, `$1\\":\\"${REDACTED}\\"`)
    .replace(SENSITIVE_PARAM, `$1=${REDACTED}`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED);
}

/** pino `mixin`: the active span's ids on every line, so a log line leads to its trace and back. */
export function traceMixin(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2) };
}

/**
 * Options for a plain pino logger (scripts, workers): JSON lines with `service`, `version`,
 * `trace_id`, `span_id`, and redaction (known paths first, then `redactLine` on the whole line).
 */
export function pinoOptions({ service, version, level }: LoggerIdentity): LoggerOptions {
  return {
    level,
    base: { service, version },
    mixin: traceMixin,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactLine },
  };
}

/** Honours a caller's `x-request-id` (bounded), else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && header.length > 0 && header.length <= 128 ? header : randomUUID();
}

/**
 * nestjs-pino parameters: `LoggerModule.forRoot(loggerOptions({ service, version, level }))`.
 * Every line has `service`, `version`, `trace_id`, `span_id`; lines of a request also have
 * `request_id`. Health probes are not logged.
 */
export function loggerOptions(identity: LoggerIdentity): Params {
  return {
    pinoHttp: {
      ...pinoOptions(identity),
      genReqId: requestId,
      customAttributeKeys: { reqId: 'request_id' },
      autoLogging: { ignore: (req: IncomingMessage) => isUntracedPath(req.url) },
      quietReqLogger: true,
    },
  };
}
