import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeMethod, recordHttpRequest } from './metrics';
import { isUntracedPath } from './paths';
import { tracer as boxofficeTracer } from './tracer';

/** What Express adds to a request once a route matched. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
type Next = (error?: unknown) => void;

/**
 * The route template Express matched (`/orders/:id`), with the mount path of a sub-router;
 * undefined when no route matched (404s), so raw paths never become label values.
 */
export function routeTemplate(req: RoutedRequest): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/**
 * Express middleware for every request: records `http.server.request.duration` with the route
 * template and status code when the response is done. Register it before the routes
 * (`app.use(httpTelemetryMiddleware())` in the shared bootstrap, or HttpMetricsMiddleware).
 *
 * Why a middleware and not the http instrumentation's own histogram: the instrumentation learns
 * the route only through the Express instrumentation, which needs require hooks (absent under
 * Jest, bundlers, or when OTEL_SDK_DISABLED is set for an overhead comparison), and the canary
 * analysis cannot afford a series that silently loses its route label.
 *
 * When no span is active (the http instrumentation is not loaded, e.g. in Jest), it also starts
 * the SERVER span itself from the incoming `traceparent`, so a request still starts or joins a
 * trace; with the instrumentation present it never adds a second span.
 */
export function httpTelemetryMiddleware(): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const tracer = boxofficeTracer();
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    let span: Span | undefined;
    let spanContext;
    if (!trace.getActiveSpan() && !isUntracedPath(req.url)) {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const method = normalizeMethod(req.method);
      span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': (req.url ?? '/').split('?')[0], 'url.scheme': 'http' } }, parent);
      spanContext = trace.setSpan(parent, span);
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const route = routeTemplate(req as RoutedRequest);
      recordHttpRequest({ method: req.method ?? 'GET', route, statusCode: res.statusCode, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      if (span) {
        if (route) {
          span.updateName(`${normalizeMethod(req.method)} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (spanContext) context.with(spanContext, next);
    else next();
  };
}

/**
 * The same as a Nest middleware class, for `consumer.apply(HttpMetricsMiddleware).forRoutes('*')`
 * in a module's `configure()` (no constructor dependencies, so Nest needs no decorator). Nest runs
 * module middleware only for requests that match a route, so 404s go uncounted this way: prefer
 * `app.use(httpTelemetryMiddleware())`.
 */
export class HttpMetricsMiddleware {
  private readonly handler = httpTelemetryMiddleware();

  use(req: IncomingMessage, res: ServerResponse, next: Next): void {
    this.handler(req, res, next);
  }
}
