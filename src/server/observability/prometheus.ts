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

  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L> {
    return this.#once(definition.name, () => {
      const metric = new client.Counter<string>({ name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [this.registry] });
      return {
        inc: (labels: Labels<L>, value = 1) => metric.inc(labels as AnyLabels, value),
        child: (labels: Labels<L>) => metric.labels(labels as AnyLabels),
      };
    });
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L> {
    return this.#once(definition.name, () => {
      const metric = new client.Histogram<string>({
        name: definition.name,
        help: definition.help,
        labelNames: [...definition.labelNames],
        buckets: [...(definition.buckets ?? LATENCY_BUCKETS)],
        registers: [this.registry],
      });
      return {
        observe: (labels: Labels<L>, value: number) => metric.observe(labels as AnyLabels, value),
        child: (labels: Labels<L>) => metric.labels(labels as AnyLabels),
      };
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

/** The cluster primary's view: every worker's series, summed (prom-client's cluster aggregation). */
export function clusterExposition(): () => Promise<{ contentType: string; text: string }> {
  const aggregator = new client.AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
}
