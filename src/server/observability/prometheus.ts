/**
 * The metrics registry of a server that serves metrics: the project's
 * {@link MetricsRegistry} over prom-client, with Node's process metrics
 * (CPU, memory, event-loop lag, GC, handles) included. Under `--workers`
 * each worker answers the cluster primary's requests for its series, and
 * the primary's management listener serves their sum (cluster.ts).
 *
 * @see https://github.com/siimon/prom-client
 */
import client from 'prom-client';
import type { Counter, Gauge, GaugeDefinition, Histogram, HistogramDefinition, Labels, MetricDefinition, MetricsRegistry } from '../../runtime/metrics.ts';
import { LATENCY_BUCKETS } from '../../runtime/metrics.ts';

type AnyLabels = Labels<string>;

export class PrometheusMetrics implements MetricsRegistry {
  readonly enabled = true;
  readonly registry: client.Registry;
  readonly #declared = new Map<string, unknown>();

  constructor(options: { processMetrics?: boolean } = {}) {
    this.registry = new client.Registry();
    if (options.processMetrics !== false) client.collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Counters and histograms count in plain objects of their own, one per
   * label set, found once and kept by the caller (`child`): a request's
   * increments are then a few additions, where prom-client's own `inc` and
   * `observe` check and hash the labels at every call. Their totals are
   * handed to prom-client when it collects (a scrape, or the cluster
   * primary's request), so the exposition and the cluster aggregation stay
   * prom-client's.
   */
  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L> {
    return this.#once(definition.name, () => {
      const children = new Map<string, { labels: AnyLabels; value: number }>();
      new client.Counter<string>({
        name: definition.name,
        help: definition.help,
        labelNames: [...definition.labelNames],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const child of children.values()) this.inc(child.labels, child.value);
        },
      });
      const child = (labels: Labels<L>) => {
        const key = seriesKey(definition.labelNames, labels);
        let entry = children.get(key);
        if (entry === undefined) children.set(key, (entry = { labels: { ...(labels as AnyLabels) }, value: 0 }));
        const found = entry;
        return { inc: (value = 1) => void (found.value += value) };
      };
      return { inc: (labels: Labels<L>, value = 1) => child(labels).inc(value), child };
    });
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L> {
    return this.#once(definition.name, () => {
      const bounds = [...(definition.buckets ?? LATENCY_BUCKETS)];
      const children = new Map<string, { labels: AnyLabels; buckets: Float64Array; sum: number; count: number }>();
      new client.Histogram<string>({
        name: definition.name,
        help: definition.help,
        labelNames: [...definition.labelNames],
        buckets: bounds,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const child of children.values()) setHistogram(this, child, bounds);
        },
      });
      const child = (labels: Labels<L>) => {
        const key = seriesKey(definition.labelNames, labels);
        let entry = children.get(key);
        if (entry === undefined) children.set(key, (entry = { labels: { ...(labels as AnyLabels) }, buckets: new Float64Array(bounds.length), sum: 0, count: 0 }));
        const found = entry;
        return {
          observe(value: number) {
            found.sum += value;
            found.count += 1;
            // Per-bucket counts, as prom-client keeps them (it makes them cumulative when it writes them out).
            for (let i = 0; i < bounds.length; i++) {
              if (value <= bounds[i]!) {
                found.buckets[i]! += 1;
                break;
              }
            }
          },
        };
      };
      return { observe: (labels: Labels<L>, value: number) => child(labels).observe(value), child };
    });
  }

  gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L> {
    return this.#once(definition.name, () => {
      let gauge: Gauge<L>;
      const { collect } = definition;
      const metric = new client.Gauge<string>({
        name: definition.name,
        help: definition.help,
        labelNames: [...definition.labelNames],
        registers: [this.registry],
        aggregator: definition.across ?? 'sum',
        ...(collect === undefined ? {} : { collect: () => collect(gauge) }),
      });
      gauge = { set: (labels: Labels<L>, value: number) => metric.set(labels as AnyLabels, value) };
      return gauge;
    });
  }

  /** The exposition text of every series (Prometheus text format 0.0.4). */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Lets this worker answer the cluster primary's scrape (a no-op outside a cluster). */
  shareWithClusterPrimary(): void {
    new client.AggregatorRegistry(); // installs the worker's listener for the primary's requests
    client.AggregatorRegistry.setRegistries([this.registry]);
  }

  #once<T>(name: string, make: () => T): T {
    let instrument = this.#declared.get(name) as T | undefined;
    if (instrument === undefined) this.#declared.set(name, (instrument = make()));
    return instrument;
  }
}

function seriesKey(labelNames: readonly string[], labels: object): string {
  return labelNames.map((name) => (labels as AnyLabels)[name]).join('\u0000');
}

/**
 * Writes a histogram series' totals into prom-client's histogram: `zero`
 * makes the series, then its bucket counts, sum and count are set in the
 * entry prom-client keeps for it (`hashMap`, whose shape prom-client's own
 * `observe` and `get` share). Checked, so a prom-client that keeps them
 * otherwise fails the scrape loudly instead of reporting zeros.
 */
function setHistogram(metric: client.Histogram<string>, child: { labels: AnyLabels; buckets: Float64Array; sum: number; count: number }, bounds: readonly number[]): void {
  metric.zero(child.labels);
  const entries = Object.values((metric as unknown as { hashMap: Record<string, { labels: unknown; bucketValues: Record<string, number>; sum: number; count: number }> }).hashMap ?? {});
  const entry = entries.find((e) => e.labels === child.labels);
  if (entry === undefined || typeof entry.bucketValues !== 'object' || typeof entry.count !== 'number') {
    throw new Error('prom-client keeps histogram values in an unknown shape; Tessera cannot write its series');
  }
  bounds.forEach((bound, i) => (entry.bucketValues[bound] = child.buckets[i]!));
  entry.sum = child.sum;
  entry.count = child.count;
}

/** The cluster primary's view: every worker's series, summed (prom-client's cluster aggregation). */
export function clusterExposition(): () => Promise<{ contentType: string; text: string }> {
  const aggregator = new client.AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
}
