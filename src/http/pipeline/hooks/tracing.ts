/**
 * A server span per request when an OpenTelemetry SDK is registered: it
 * continues the caller's trace (W3C `traceparent`), is named after the route
 * (`POST token`), carries the request id, route, status and what the
 * endpoint reported (tenant, client, grant, error code), and is the parent of
 * the spans made while the route runs (client authentication, argon2, JWT
 * signing, store calls). Without an SDK the hook does nothing.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 */
import { failSpan, runInSpan, startRequestSpan, type RequestSpan } from '../../../runtime/tracing.ts';
import type { RequestContext } from '../request-context.ts';
import type { RequestHook } from '../request-pipeline.ts';

export function tracingHook(): RequestHook {
  const spans = new WeakMap<RequestContext, RequestSpan>();
  return {
    name: 'tracing',
    onRequest(context, request) {
      const started = startRequestSpan(request.headers, `${context.method} ${context.route.name}`, {
        'http.request.method': context.method,
        'url.path': context.path,
        'http.route': context.route.name,
        'tessera.request_id': context.id,
        ...(context.remoteAddress === undefined ? {} : { 'client.address': context.remoteAddress }),
      });
      if (started !== undefined) spans.set(context, started);
    },
    around(context, route) {
      const started = spans.get(context);
      if (started === undefined) route();
      else runInSpan(started, route);
    },
    onResponse(context, response, answered) {
      const started = spans.get(context);
      if (started === undefined) return;
      const { span } = started;
      span.setAttribute('http.response.status_code', answered ? response.statusCode : 0);
      for (const [key, value] of [
        ['tessera.tenant', context.tenantId],
        ['tessera.client_id', context.clientId],
        ['tessera.grant_type', context.grantType],
        ['tessera.token_format', context.tokenFormat],
        ['tessera.error', context.errorCode],
      ] as const) {
        if (value !== undefined) span.setAttribute(key, value);
      }
      // Server spans fail on 5xx only: a 4xx is the client's mistake, answered as designed.
      if (!answered) failSpan(span, new Error('the client closed the connection before the answer was complete'));
      else if (response.statusCode >= 500) failSpan(span, new Error(`answered ${response.statusCode}${context.errorCode === undefined ? '' : ` ${context.errorCode}`}`));
      span.end();
    },
  };
}
