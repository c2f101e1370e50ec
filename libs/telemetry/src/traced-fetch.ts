import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { normalizeMethod } from './metrics';
import { tracer } from './tracer';

/**
 * `fetch` with a CLIENT span and the W3C `traceparent` header, for outgoing calls that belong to
 * the trace (notify's webhooks). Node's fetch is undici, which @opentelemetry/instrumentation-http
 * does not see; if @opentelemetry/instrumentation-undici is ever added, use plain fetch instead or
 * each call gets two spans. The span records the URL without its query string (webhook URLs may
 * carry tokens there).
 */
export async function tracedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input));
  const method = normalizeMethod(init.method ?? 'GET');
  const span = tracer().startSpan(method, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': method,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'url.full': `${url.origin}${url.pathname}`,
    },
  });
  const ctx = trace.setSpan(context.active(), span);
  const headers = new Headers(init.headers);
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
  try {
    const response = await context.with(ctx, () => fetch(input, { ...init, headers }));
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (error) {
    span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
