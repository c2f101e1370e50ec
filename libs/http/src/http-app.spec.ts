import { Body, Controller, Get, INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createZodDto } from 'nestjs-zod';
import request from 'supertest';
import { z } from 'zod';
import { configureHttpApp } from './bootstrap';
import { loggingModule } from './logging';
import { reportedOnly } from './health';
import { OPERATIONS_TOKEN as OPERATIONS_TOKEN_KEY, OperationsGuard } from './operations-guard';

class EchoDto extends createZodDto(z.strictObject({ name: z.string() })) {}

@Controller()
class EchoController {
  @Post('echo')
  echo(@Body() body: EchoDto) {
    return body;
  }

  @Get('hello')
  hello() {
    return { hello: 'world' };
  }

  @Get('internals')
  @UseGuards(OperationsGuard)
  internals() {
    return { backlog: 0 };
  }
}

const OPERATIONS_TOKEN = 'a-long-enough-operations-token';

@Module({
  imports: [loggingModule({ service: 'spec', version: 'test', level: 'silent' })],
  controllers: [EchoController],
  providers: [{ provide: OPERATIONS_TOKEN_KEY, useValue: OPERATIONS_TOKEN }],
})
class SpecModule {}

describe('configureHttpApp: what every service answers, before any of its own code runs', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SpecModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, { service: 'spec', version: 'test', description: 'spec' });
    await app.init();
  });
  afterAll(() => app.close());

  it('answers malformed JSON with a malformed-body problem that says what is wrong', async () => {
    const response = await request(app.getHttpServer()).post('/echo').set('Content-Type', 'application/json').send('{"name": "Ada",');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toEqual({
      type: 'https://boxoffice.dev/problems/malformed-body',
      title: 'Malformed request body',
      status: 400,
      detail: expect.stringMatching(/^the body is not valid JSON: .+/),
      instance: '/echo',
    });
  });

  it('sends the security headers helmet sets on every answer, errors included', async () => {
    for (const response of [await request(app.getHttpServer()).get('/hello'), await request(app.getHttpServer()).get('/nowhere')]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringMatching(/max-age=\d+/),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('marks answers not cacheable unless a route says otherwise', async () => {
    expect((await request(app.getHttpServer()).get('/hello')).headers['cache-control']).toBe('no-store');
  });

  it('still parses a valid body and names an unknown field', async () => {
    expect((await request(app.getHttpServer()).post('/echo').send({ name: 'Ada' })).body).toEqual({ name: 'Ada' });
    const unknown = await request(app.getHttpServer()).post('/echo').send({ name: 'Ada', admin: true });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).errors).toEqual([{ field: '(body)', reason: expect.stringMatching(/Unrecognized key.*admin/) }]);
  });

  it('answers operations endpoints only with the operations token', async () => {
    const http = () => request(app.getHttpServer());
    const anonymous = await http().get('/internals');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(anonymous.text)).toMatchObject({ type: 'https://boxoffice.dev/problems/operations-token-required', detail: expect.stringContaining('OPERATIONS_TOKEN') });
    expect((await http().get('/internals').set('Authorization', 'Bearer a-long-enough-operations-tokeX')).status).toBe(401);
    expect((await http().get('/internals').set('Authorization', `Bearer ${OPERATIONS_TOKEN}`)).body).toEqual({ backlog: 0 });
  });

  it('keeps operations endpoints closed when no token is configured', () => {
    const context = { switchToHttp: () => ({ getRequest: () => ({ headers: { authorization: 'Bearer ' } }) }) } as never;
    expect(() => new OperationsGuard(undefined).canActivate(context)).toThrow(expect.objectContaining({ problemType: 'operations-disabled' }));
  });

  it('reports a dependency that must not gate readiness without ever failing its check', async () => {
    const down = reportedOnly({ name: 'kafka', check: () => Promise.reject(new Error('connect ECONNREFUSED')) }, 'rides it out');
    await expect(down.check()).resolves.toEqual({ reachable: false, error: 'connect ECONNREFUSED', note: 'rides it out' });
    const up = reportedOnly({ name: 'kafka', check: async () => ({ brokers: 1 }) }, 'rides it out');
    await expect(up.check()).resolves.toEqual({ reachable: true, brokers: 1 });
    expect(up.name).toBe('kafka');
  });
});
