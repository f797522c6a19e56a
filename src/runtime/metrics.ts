/**
 * The metrics interface every layer may record through, owned by no metrics
 * library: the server's composition root hands out a registry backed by
 * prom-client (server/observability/prometheus.ts) when metrics are served,
 * and {@link NO_METRICS} otherwise, whose instruments do nothing and cost a
 * call. Components that want their own series (a rate limiter, a store)
 * declare them through the registry they are given, once, at start-up;
 * declaring a name again returns the instrument already declared, so two
 * components may share one series.
 *
 * Names follow Prometheus conventions: `tessera_` prefix, `_total` for
 * counters, base units (`_seconds`, `_bytes`).
 *
 * @see https://prometheus.io/docs/practices/naming/
 */

/** Label values by label name; every declared label is given on each call. */
export type Labels<L extends string> = { readonly [K in L]: string };

export interface Counter<L extends string = never> {
  inc(labels: Labels<L>, value?: number): void;
  /** The series of one set of label values, to keep and count on without looking it up each time (hot paths). */
  child(labels: Labels<L>): { inc(value?: number): void };
}

export interface Histogram<L extends string = never> {
  /** Records one observation (seconds for durations). */
  observe(labels: Labels<L>, value: number): void;
  /** The series of one set of label values, to keep and observe on (hot paths). */
  child(labels: Labels<L>): { observe(value: number): void };
}

export interface Gauge<L extends string = never> {
  set(labels: Labels<L>, value: number): void;
}

export interface MetricDefinition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  /** Upper bounds of the buckets; default {@link LATENCY_BUCKETS}. */
  buckets?: readonly number[];
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /** Called at each scrape to set the gauge's current values (queue depth, file size). */
  collect?: (gauge: Gauge<L>) => void | Promise<void>;
  /**
   * How the values of several processes (`--workers`) combine into the one a
   * scrape shows: `sum` (the default: queue depths, pool sizes) or `max`
   * (a value they all report alike, such as a key's age).
   */
  across?: 'sum' | 'max';
}

export interface MetricsRegistry {
  /** False for {@link NO_METRICS}: callers may skip work whose only purpose is a metric. */
  readonly enabled: boolean;
  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L>;
  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L>;
  gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L>;
}

/** Request and database latencies: from 0.5 ms (a cached opaque token) to 10 s (a login queued behind argon2). */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NOTHING = { inc() {}, observe() {}, set() {}, child: () => NOTHING };

/** The registry when metrics are off: every instrument is a no-op. */
export const NO_METRICS: MetricsRegistry = {
  enabled: false,
  counter: () => NOTHING,
  histogram: () => NOTHING,
  gauge: () => NOTHING,
};
