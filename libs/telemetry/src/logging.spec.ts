import { Body, Controller, INestApplication, Logger as NestLogger, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Response } from 'express';
import { Logger, LoggerModule } from 'nestjs-pino';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Options } from 'pino-http';
import { httpTelemetryMiddleware } from './http-telemetry';
import { loggerOptions, pinoOptions, redactLine } from './logging';
import { startTelemetry, Telemetry } from './telemetry';

const SECRETS = {
  password: 'hunter2-correct-horse',
  refreshToken: 'rt_9f8e7d6c5b4a39281706',
  accessToken: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1LTEiLCJzY29wZSI6Im9yZGVycyJ9.c2lnbmF0dXJlLWJ5dGVz',
  cookie: 'sid=s3ss10n-c00k13',
  apiKey: 'ak_live_5up3rs3cr3t',
  clientSecret: 'cs_0ff-th3-r3c0rd',
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

function expectNoSecret(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    for (const secret of Object.values(SECRETS)) expect(line).not.toContain(secret);
    expect(() => JSON.parse(line)).not.toThrow();
  }
}

const spans = new InMemorySpanExporter();
let telemetry: Telemetry;
beforeAll(() => {
  telemetry = startTelemetry({ service: 'login', version: '2.0.1', metricsPort: false, spanExporter: spans });
});
afterAll(() => telemetry.shutdown());

describe('pino options', () => {
  it('puts the active span’s trace and span id, service and version on a line written inside it', async () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions({ service: 'login', version: '2.0.1', level: 'info' }), stream);
    const ids = trace.getTracer('spec').startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logger.info('outside');
    await telemetry.forceFlush();
    const [inside, outside] = lines.map((line) => JSON.parse(line));
    expect(inside).toMatchObject({ service: 'login', version: '2.0.1', msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    expect(spans.getFinishedSpans().map((s) => s.spanContext().traceId)).toContain(inside.trace_id);
    expect(outside).toMatchObject({ service: 'login', version: '2.0.1', msg: 'outside' });
    expect(outside.trace_id).toBeUndefined();
  });

  it('never writes a password, token, cookie or secret, at any depth or in a raw body', () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions({ service: 'login', version: '2.0.1', level: 'info' }), stream);
    logger.info(
      {
        req: { method: 'POST', url: `/auth/login?token=${SECRETS.refreshToken}`, headers: { authorization: `Bearer ${SECRETS.accessToken}`, cookie: SECRETS.cookie, 'x-api-key': SECRETS.apiKey } },
        res: { statusCode: 200, headers: { 'set-cookie': [SECRETS.cookie] } },
        body: { email: 'ada@example.com', password: SECRETS.password, profile: { session: { refreshToken: SECRETS.refreshToken, clientSecret: SECRETS.clientSecret } } },
        tokens: [{ accessToken: SECRETS.accessToken }],
        err: { type: 'SyntaxError', body: JSON.stringify({ email: 'ada@example.com', password: SECRETS.password }) },
        form: `grant_type=refresh&refresh_token=${SECRETS.refreshToken}`,
      },
      `login for ada@example.com with ${SECRETS.accessToken}`,
    );
    logger.child({ apiKey: SECRETS.apiKey }).warn({ credentials: { password: SECRETS.password } }, 'child logger');
    expectNoSecret(lines);
    const line = JSON.parse(lines[0]);
    expect(line.body.email).toBe('ada@example.com');
    expect(line.body.password).toBe('[redacted]');
    expect(line.req.headers.authorization).toBe('[redacted]');
    expect(JSON.parse(line.err.body)).toEqual({ email: 'ada@example.com', password: '[redacted]' });
  });

  it.each([
    ['{"secrets":{"db":{"pass":"p-1"}},"ok":1}', '{"secrets":"[redacted]","ok":1}'],
    ['{"apiKeys":[{"id":"k1","value":"v-1"}],"ok":1}', '{"apiKeys":"[redacted]","ok":1}'],
    ['{"pin":1,"PASSWORD":12345,"x_token":null}', '{"pin":1,"PASSWORD":"[redacted]","x_token":"[redacted]"}'],
    ['{"headers":{"Set-Cookie":["a=1","b=2"]}}', '{"headers":{"Set-Cookie":"[redacted]"}}'],
    ['{"msg":"GET /reset?user=7&reset_token=abc123 done"}', '{"msg":"GET /reset?user=7&reset_token=[redacted] done"}'],
    [String.raw`{"body":"{\"password\":\"p\\\"q\"}"}`, String.raw`{"body":"{\"password\":\"[redacted]\"}"}`],
  ])('redacts %s', (line, expected) => {
    expect(redactLine(line)).toBe(expected);
    expect(() => JSON.parse(redactLine(line))).not.toThrow();
  });

  it('leaves lines without a hint of a secret untouched', () => {
    const line = '{"level":30,"msg":"order 7 confirmed","orderId":"7"}';
    expect(redactLine(line)).toBe(line);
  });
});

@Controller('auth')
class LoginController {
  private readonly logger = new NestLogger('LoginController');

  @Post('login')
  login(@Body() body: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    this.logger.log({ body }, 'login attempt');
    res.setHeader('set-cookie', SECRETS.cookie);
    return { accessToken: SECRETS.accessToken, refreshToken: SECRETS.refreshToken, tokenType: 'Bearer' };
  }

  @Post('fail')
  fail(@Body() body: Record<string, unknown>) {
    throw Object.assign(new Error('could not verify credentials'), { body, password: body.password });
  }
}

describe('loggerOptions in a Nest app (nestjs-pino)', () => {
  let app: INestApplication;
  let url: string;
  const { lines, stream } = capture();

  beforeAll(async () => {
    const { pinoHttp } = loggerOptions({ service: 'login', version: '2.0.1', level: 'info' });
    @Module({ imports: [LoggerModule.forRoot({ pinoHttp: [pinoHttp as Options, stream] })], controllers: [LoginController] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.use(httpTelemetryMiddleware());
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(() => app.close());

  it('logs a login request without its body, credentials or issued tokens, each line carrying request and trace ids', async () => {
    const response = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.accessToken}`, cookie: SECRETS.cookie, traceparent: TRACEPARENT, 'x-request-id': 'req-123' },
      body: JSON.stringify({ email: 'ada@example.com', password: SECRETS.password }),
    });
    expect(response.status).toBe(201);
    await fetch(`${url}/auth/fail`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: TRACEPARENT }, body: JSON.stringify({ password: SECRETS.password }) });
    await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email":"ada@example.com","password":"${SECRETS.password}"` });

    if (process.env.SHOW_LINES) console.log(lines.join('\n'));
    expectNoSecret(lines);
    const parsed = lines.map((line) => JSON.parse(line));
    const attempt = parsed.find((l) => l.msg === 'login attempt');
    expect(attempt).toMatchObject({ service: 'login', version: '2.0.1', request_id: 'req-123', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', body: { email: 'ada@example.com', password: '[redacted]' } });
    const completed = parsed.find((l) => l.msg === 'request completed' && l.request_id === 'req-123');
    expect(completed).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } } });
  });
});
