import { json, NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem';

interface BodyParserError {
  type?: string;
  status?: number;
  message: string;
}

/** What the client did wrong, in words, for each body-parser failure. */
function problemFor(error: BodyParserError): ProblemException {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ProblemException(400, 'malformed-body', 'Malformed request body', `the body is not valid JSON: ${error.message}`);
    case 'entity.too.large':
      return new ProblemException(413, 'body-too-large', 'Request body too large', 'the body is larger than 100 kB');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ProblemException(415, 'unsupported-body-encoding', 'Unsupported body encoding', `${error.message}; send UTF-8 JSON`);
    default:
      return new ProblemException(error.status ?? 400, 'malformed-body', 'Malformed request body', error.message);
  }
}

/**
 * The JSON body parser, turning its failures into problem details that say what is wrong. Named
 * `jsonParser` on purpose: Nest then skips registering its own (it looks for that name), whose
 * errors reach the filter as a bare 400.
 */
export function jsonBodyParser() {
  const parse = json();
  return function jsonParser(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : problemFor(error as BodyParserError)));
  };
}
