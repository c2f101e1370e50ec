import { HttpException } from '@nestjs/common';

/** RFC 9457 problem details: the one error shape every Box Office service returns. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-level reasons for 400s: `field` is a dotted path into the request. */
  errors?: Array<{ field: string; reason: string }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://boxoffice.dev/problems/';

/** A domain error that carries its own problem type, e.g. `sold-out` or `idempotency-key-reused`. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly problemType: string,
    title: string,
    detail?: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super({ title, detail }, status);
  }

  toProblem(instance?: string): ProblemDetails {
    const { title, detail } = this.getResponse() as { title: string; detail?: string };
    return { type: problemTypeUri(this.problemType), title, status: this.getStatus(), detail, instance, ...this.extensions };
  }
}

export function problemTypeUri(slug: string): string {
  return `${TYPE_BASE}${slug}`;
}
