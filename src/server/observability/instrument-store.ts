/**
 * Measures every call a store's ports answer, whatever the adapter: its
 * latency and failures as Prometheus series by operation (`tokens.saveToken`),
 * and, when an OpenTelemetry SDK is registered, a span per call. Each port
 * becomes an object whose own methods time the call and delegate to the
 * adapter's (everything else reads through to the adapter), so the core
 * and the HTTP binding see the ports they always did.
 *
 * A lock started by the password grant (the `lockouts.reserveAttempt`
 * that reaches the policy's count, or a `lockouts.lockUntil`) is also
 * counted here, the one place every lock passes.
 */
import type { MetricsRegistry } from '../../runtime/metrics.ts';
import { LATENCY_BUCKETS } from '../../runtime/metrics.ts';
import { inSpan, tracingEnabled } from '../../runtime/tracing.ts';
import type { Store } from '../../store/store.ts';

const PORTS = ['tenants', 'clients', 'users', 'lockouts', 'tokens', 'keys', 'accessNumbers', 'audit', 'activity'] as const;

/** Method names of an object and its prototypes (not Object's). */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = object; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor !== undefined && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** `traced`: make a span per call (an OpenTelemetry SDK was registered at start). */
/** One call in this many of each operation is timed: timing every call cost more than the rest of metrics together. */
export const STORE_TIMING_SAMPLE = 16;

export function instrumentStore(store: Store, metrics: MetricsRegistry, options: { traced?: boolean } = {}): Store {
  const traced = options.traced ?? tracingEnabled();
  const duration = metrics.histogram({
    name: 'tessera_store_operation_duration_seconds',
    help: `Time the store took to answer a call, by operation (port.method), cached reads included; one call in ${STORE_TIMING_SAMPLE} of each operation is timed.`,
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
  });
  const lockouts = metrics.counter({ name: 'tessera_lockouts_total', help: 'User locks started by failed password logins, by tenant.', labelNames: ['tenant'] });

  const instrument = <T extends object>(port: T, portName: string): T => {
    const wrapped = Object.create(port) as Record<string, unknown>;
    for (const name of methodNames(port)) {
      const original = (port as Record<string, (...args: unknown[]) => unknown>)[name]!;
      const operation = `${portName}.${name}`;
      const timer = duration.child({ operation });
      const afterwards = operation === 'lockouts.lockUntil'
        ? (args: unknown[]) => lockouts.inc({ tenant: String(args[0]) })
        : operation === 'lockouts.reserveAttempt'
          ? (args: unknown[], value: unknown) => {
              if ((value as { lockedUntil: number | null }).lockedUntil !== null) lockouts.inc({ tenant: String(args[0]) });
            }
          : undefined;
      let calls = 0;
      const timed = (args: unknown[]): unknown => {
        // Unsampled calls go straight through: no clock reads, no promise of ours (a lock is always counted).
        if (++calls % STORE_TIMING_SAMPLE !== 0 && afterwards === undefined) return original.apply(port, args);
        const start = performance.now();
        const result = original.apply(port, args);
        if (!(result instanceof Promise)) {
          timer.observe((performance.now() - start) / 1000);
          return result;
        }
        // Observed on a side chain: the caller awaits the store's own promise, not one more link.
        const observe = () => timer.observe((performance.now() - start) / 1000);
        result.then((value: unknown) => {
          observe();
          afterwards?.(args, value);
        }, observe);
        return result;
      };
      const attributes = { 'db.system': store.kind, 'db.operation': operation };
      wrapped[name] = traced ? (...args: unknown[]) => inSpan(`store ${operation}`, attributes, async () => timed(args)) : (...args: unknown[]) => timed(args);
    }
    return wrapped as T;
  };

  const ports = Object.fromEntries(
    PORTS.filter((name) => name in store).map((name) => [name, instrument((store as unknown as Record<string, object>)[name]!, name)]),
  );
  // Object.create keeps the store's own members (kind, ping, close, stats, a SQLite store's checkpointer) reachable.
  return Object.assign(Object.create(store) as Store, ports);
}

/**
 * What a PostgreSQL store reports of each query it sends (every one: a
 * round trip dwarfs the bookkeeping): its latency by statement, and its
 * failures, `unavailable` when the database could not be reached.
 */
export function postgresQueryObserver(metrics: MetricsRegistry): (statement: string, seconds: number, error: unknown) => void {
  const duration = metrics.histogram({
    name: 'tessera_postgres_query_duration_seconds',
    help: 'Time a PostgreSQL query took, by statement name (`query` for unnamed ones, `transaction` for a transaction or migration on one connection).',
    labelNames: ['statement'],
    buckets: LATENCY_BUCKETS,
  });
  const errors = metrics.counter({
    name: 'tessera_store_errors_total',
    help: 'Database calls that failed: `unavailable` when the database could not be reached, `error` otherwise.',
    labelNames: ['statement', 'kind'],
  });
  return (statement, seconds, error) => {
    duration.observe({ statement }, seconds);
    if (error !== undefined) errors.inc({ statement, kind: (error as Error)?.name === 'StoreUnavailableError' ? 'unavailable' : 'error' });
  };
}
