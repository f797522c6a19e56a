/**
 * Prometheus series of every request, on both request paths: latency by route
 * and status, and what the OAuth endpoints did (tokens issued by tenant, grant
 * and format; token endpoint errors by code; introspections and revocations
 * by outcome), read from what the endpoint reported on the request context
 * once the answer is written. Series are looked up once per label set and
 * kept, so a request costs a few map reads and increments.
 *
 * @see https://prometheus.io/docs/practices/instrumentation/#online-serving-systems
 */
import { LATENCY_BUCKETS, type MetricDefinition, type MetricsRegistry } from '../../../runtime/metrics.ts';
import type { RequestContext } from '../request-context.ts';
import type { RequestHook } from '../request-pipeline.ts';

/**
 * Requests refused by a rate limit, by route and by the limit that refused
 * them. Declared here so the series exists (at zero) before the first
 * refusal; a rate limiter declares the same definition through the registry
 * it is given and counts on it.
 */
export const RATE_LIMITED_REQUESTS: MetricDefinition<'route' | 'limit'> = {
  name: 'tessera_rate_limited_requests_total',
  help: 'Requests refused by a rate limit, by route name and limit.',
  labelNames: ['route', 'limit'],
};

type Bound<T> = Map<string, T>;

function cached<T>(map: Bound<T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Series by two keys, looked up without building a key string per request. */
class Bound2<K1, K2, T> {
  readonly #outer = new Map<K1, Map<K2, T>>();
  readonly #make: (a: K1, b: K2) => T;
  constructor(make: (a: K1, b: K2) => T) {
    this.#make = make;
  }
  get(a: K1, b: K2): T {
    let inner = this.#outer.get(a);
    if (inner === undefined) this.#outer.set(a, (inner = new Map()));
    let value = inner.get(b);
    if (value === undefined) inner.set(b, (value = this.#make(a, b)));
    return value;
  }
}

export function metricsHook(registry: MetricsRegistry): RequestHook {
  const duration = registry.histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to the end of its answer, by route name and status code.',
    labelNames: ['route', 'status'],
    buckets: LATENCY_BUCKETS,
  });
  const issued = registry.counter({
    name: 'tessera_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by tenant, grant type and token format.',
    labelNames: ['tenant', 'grant', 'format'],
  });
  const tokenErrors = registry.counter({
    name: 'tessera_token_errors_total',
    help: 'Error answers of the token endpoint, by OAuth error code.',
    labelNames: ['error'],
  });
  const introspections = registry.counter({
    name: 'tessera_introspections_total',
    help: 'Introspection requests by outcome: active, inactive, or the OAuth error code answered.',
    labelNames: ['outcome'],
  });
  const revocations = registry.counter({
    name: 'tessera_revocations_total',
    help: 'Revocation requests by outcome: revoked (answered 200, RFC 7009 §2.2) or the OAuth error code answered.',
    labelNames: ['outcome'],
  });
  registry.counter(RATE_LIMITED_REQUESTS);

  const durations = new Bound2((route: string, status: number) => duration.child({ route, status: String(status) }));
  // By tenant, then grant and format together (a client's grant and format rarely vary).
  const issuedBy = new Bound2((tenant: string, grantAndFormat: string) => {
    const [grant = '', format = ''] = grantAndFormat.split('\u0000');
    return issued.child({ tenant, grant, format });
  });
  const grantFormats = new Bound2((grant: string, format: string) => `${grant}\u0000${format}`);
  const tokenErrorsBy: Bound<{ inc(v?: number): void }> = new Map();
  const introspectionsBy: Bound<{ inc(v?: number): void }> = new Map();
  const revocationsBy: Bound<{ inc(v?: number): void }> = new Map();

  const countOutcome = (context: RequestContext, status: number): void => {
    switch (context.route.name) {
      case 'token': {
        if (context.errorCode !== undefined) {
          const error = context.errorCode;
          cached(tokenErrorsBy, error, () => tokenErrors.child({ error })).inc();
        } else if (status === 200 && context.tokenFormat !== undefined) {
          issuedBy.get(context.tenantId ?? '', grantFormats.get(context.grantType ?? '', context.tokenFormat)).inc();
        }
        return;
      }
      case 'introspection': {
        const outcome = context.errorCode ?? (context.active === true ? 'active' : context.active === false ? 'inactive' : undefined);
        if (outcome !== undefined) cached(introspectionsBy, outcome, () => introspections.child({ outcome })).inc();
        return;
      }
      case 'revocation': {
        const outcome = context.errorCode ?? (status === 200 ? 'revoked' : undefined);
        if (outcome !== undefined) cached(revocationsBy, outcome, () => revocations.child({ outcome })).inc();
      }
    }
  };

  return {
    name: 'metrics',
    onResponse(context, response, answered) {
      const status = answered ? response.statusCode : 0;
      const route = context.route.name;
      // Status 0: the client went away before the answer was complete.
      durations.get(route, status).observe((performance.now() - context.startedAt) / 1000);
      if (answered) countOutcome(context, status);
    },
  };
}
