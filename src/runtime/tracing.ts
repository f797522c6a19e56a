/**
 * OpenTelemetry spans through `@opentelemetry/api` alone: without an SDK
 * registered by the operator (docs/deployment.md shows one exporting OTLP),
 * the API is a no-op and every helper here runs its work directly, without
 * making a span object. With one, each helper makes a span that is the
 * current one while its work runs, so spans nest: a request's span holds
 * client authentication, which holds the store reads and argon2.
 *
 * @see https://opentelemetry.io/docs/specs/otel/trace/api/
 * @see https://www.w3.org/TR/trace-context/ W3C Trace Context (`traceparent`)
 */
import { context, propagation, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

export type { Attributes, Span } from '@opentelemetry/api';

/** The instrumentation scope Tessera's spans are recorded under. */
export const TRACER_NAME = 'tessera';

/** What the global provider delegates to while no SDK is registered. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/** True once an SDK's tracer provider is registered (checked at each use: registration may come after start). */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  return (provider.getDelegate?.() ?? provider) !== NO_SDK;
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Marks a span failed with what was thrown. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `work` in a span named `name` (a child of the current span), ended
 * when the work settles; a rejection marks it failed. Without an SDK, runs
 * `work` alone.
 */
export function inSpan<T>(name: string, attributes: Attributes | undefined, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work(undefined);
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A server span for one incoming request, and the context its work runs in. */
export interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

/**
 * Starts the server span of an incoming request, continuing the trace its
 * `traceparent` header names (W3C Trace Context, through the registered
 * propagator); undefined without an SDK.
 */
export function startRequestSpan(headers: Readonly<Record<string, string | string[] | undefined>>, name: string, attributes: Attributes): RequestSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `work` with `span` as the current span, so spans started inside are its children. */
export function runInSpan<T>(requestSpan: RequestSpan, work: () => T): T {
  return context.with(requestSpan.context, work);
}
