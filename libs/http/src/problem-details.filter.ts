import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException, problemTypeUri } from './problem';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Turns every error into RFC 9457 problem details; 5xx never leak internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const { problem, headers } = this.toProblem(exception, request.originalUrl ?? request.url);
    if (exception instanceof ProblemException) {
      // A deliberate answer (paused checkout, failed payment): worth a line, not a stack trace.
      if (problem.status >= 500) this.logger.warn({ problemType: exception.problemType, status: problem.status }, `${request.method} ${request.url}: ${problem.title}`);
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception }, `${request.method} ${request.url} failed`);
    }
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, instance: string): { problem: ProblemDetails; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return { problem: exception.toProblem(instance), headers: exception.headers };
    }
    if (exception instanceof ZodValidationException) {
      const error = exception.getZodError() as ZodError;
      return {
        problem: {
          type: problemTypeUri('validation'),
          title: 'Invalid request',
          status: 400,
          detail: 'One or more fields are invalid.',
          instance,
          errors: error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', reason: issue.message })),
        },
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : this.messageOf(body);
      return {
        problem: { type: 'about:blank', title: TITLES[status] ?? exception.name, status, detail, instance },
        headers: {},
      };
    }
    if (isBodyParserError(exception)) {
      return {
        problem: { type: problemTypeUri('malformed-body'), title: 'Malformed request body', status: exception.status, detail: exception.message, instance },
        headers: {},
      };
    }
    return {
      problem: {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: HttpStatus.INTERNAL_SERVER_ERROR,
        detail: 'An unexpected error occurred; it has been logged.',
        instance,
      },
      headers: {},
    };
  }

  private messageOf(body: object): string | undefined {
    const message = (body as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    return typeof message === 'string' ? message : undefined;
  }
}

function isBodyParserError(error: unknown): error is { status: number; message: string; type: string } {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error && typeof (error as { status: unknown }).status === 'number';
}
