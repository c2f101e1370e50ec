import { INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { httpTelemetryMiddleware } from '@boxoffice/telemetry';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc, ZodValidationPipe } from 'nestjs-zod';
import { jsonBodyParser } from './json-body';
import { ProblemDetailsFilter } from './problem-details.filter';

export const VERSION_HEADER = 'x-boxoffice-version';

export interface HttpAppOptions {
  service: string;
  version: string;
  description: string;
}

/**
 * The cross-cutting HTTP setup every service shares: problem details for every error, body
 * validation with zod, JSON bodies whose parse errors say what is wrong, security headers (helmet), request metrics and tracing, the version header a canary split is seen by, OpenAPI at /docs, and
 * shutdown hooks so SIGTERM drains instead of dropping requests.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): INestApplication {
  // First middleware, so request metrics and the server span cover every request, 404s included.
  app.use(httpTelemetryMiddleware());
  app.useLogger(app.get(Logger));
  app.getHttpAdapter().getInstance().disable?.('x-powered-by');
  // Security headers on every answer (nosniff, frame and resource policies, CSP, HSTS).
  app.use(helmet());
  app.use(jsonBodyParser());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new ZodValidationPipe());
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader(VERSION_HEADER, options.version);
    // API answers are personal or short-lived: nothing is cached unless a route says so (JWKS).
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.enableShutdownHooks();
  const config = new DocumentBuilder().setTitle(`Box Office ${options.service}`).setDescription(options.description).setVersion(options.version).addBearerAuth().build();
  // A factory: the document is built on the first request for it rather than on every start.
  SwaggerModule.setup('docs', app, () => cleanupOpenApiDoc(SwaggerModule.createDocument(app, config)), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

export async function createHttpApp(module: Type<unknown> | ReturnType<typeof Object>, options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  return configureHttpApp(app, options);
}

/**
 * Runs a service's startup and turns any failure (bad configuration, no database, no broker)
 * into one clear line and exit code 1 instead of a stack trace.
 */
export async function runOrExit(service: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    new NestLogger(service).error(`${service} failed to start: ${message}`);
    process.stderr.write(`${service} failed to start: ${message}\n`);
    process.exit(1);
  }
}
