/**
 * The autocannon load generator, run in its own process (forked by the
 * harness) so it never shares the harness's event loop. One message, one
 * window: `{ origins, method, path, headers, body?, connections, durationS }`.
 * With several origins the connections are split between them, one
 * autocannon instance each, started together and recorded together.
 *
 * Latencies are recorded here for every 2xx response at sub-millisecond
 * resolution (autocannon's own histogram has 1 ms buckets). The process's own
 * CPU time over the window (all threads) is reported as the generator's.
 */
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from '../lib/generators.ts';

class Latencies {
  #chunks: Float64Array[] = [];
  #current = new Float64Array(65_536);
  #n = 0;
  add(ms: number): void {
    if (this.#n === this.#current.length) {
      this.#chunks.push(this.#current);
      this.#current = new Float64Array(65_536);
      this.#n = 0;
    }
    this.#current[this.#n++] = ms;
  }
  sorted(): Float64Array {
    const total = this.#chunks.length * 65_536 + this.#n;
    const all = new Float64Array(total);
    let offset = 0;
    for (const c of this.#chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    all.set(this.#current.subarray(0, this.#n), offset);
    return all.sort();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function once(origin: string, request: LoadRequest, connections: number, record: { latencies: Latencies; codes: Record<string, number> }) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin + request.path,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        connections,
        duration: request.durationS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      record.codes[statusCode] = (record.codes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) record.latencies.add(responseTime);
    });
  });
}

export async function runAutocannon(request: LoadRequest): Promise<LoadResult> {
  const record = { latencies: new Latencies(), codes: {} as Record<string, number> };
  const share = (i: number) => Math.floor(request.connections / request.origins.length) + (i < request.connections % request.origins.length ? 1 : 0);
  const cpuBefore = process.cpuUsage();
  const results = await Promise.all(request.origins.map((origin, i) => once(origin, request, Math.max(1, share(i)), record)));
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = record.latencies.sorted();
  const durationS = Math.max(...results.map((r) => r.duration));
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    durationS,
    requests: Object.values(record.codes).reduce((a, b) => a + b, 0),
    ok: sorted.length,
    rps: sorted.length / durationS,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    non2xx: sum((r) => r.non2xx),
    socketErrors: sum((r) => r.errors - r.timeouts),
    timeouts: sum((r) => r.timeouts),
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
    statusCodes: record.codes,
  };
}

if (import.meta.main && process.send) {
  process.once('message', async (message: LoadRequest) => {
    try {
      process.send!({ ok: true, result: await runAutocannon(message) });
    } catch (error) {
      process.send!({ ok: false, error: String((error as Error).stack ?? error) });
    }
    process.disconnect();
  });
}
