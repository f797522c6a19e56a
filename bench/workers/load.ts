/**
 * The load generator, run in its own process (forked by the harness) so the
 * harness never competes with it or with the server for the event loop.
 * Runs autocannon for a warm-up (discarded) and then for the measured window,
 * and records every 2xx latency itself at sub-millisecond resolution
 * (autocannon's own histogram has 1 ms buckets, too coarse for a 5 ms target).
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface LoadResult {
  durationS: number;
  requests: number;
  ok: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Responses during the warm-up (for CPU per request over the whole load). */
  warmupRequests: number;
}

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

function once(request: LoadRequest, durationS: number, record?: { latencies: Latencies; codes: Record<string, number> }) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url + request.path,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        connections: request.connections,
        duration: durationS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (record) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        record.codes[statusCode] = (record.codes[statusCode] ?? 0) + 1;
        if (statusCode >= 200 && statusCode < 300) record.latencies.add(responseTime);
      });
    }
  });
}

export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const warmup = request.warmupS > 0 ? await once(request, request.warmupS) : undefined;
  const record = { latencies: new Latencies(), codes: {} as Record<string, number> };
  const result = await once(request, request.durationS, record);
  const sorted = record.latencies.sorted();
  const durationS = result.duration;
  return {
    durationS,
    requests: Object.values(record.codes).reduce((a, b) => a + b, 0),
    ok: sorted.length,
    rps: sorted.length / durationS,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    non2xx: result.non2xx,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    statusCodes: record.codes,
    warmupRequests: warmup ? warmup.requests.total : 0,
  };
}

if (process.send) {
  process.once('message', async (message: LoadRequest) => {
    try {
      process.send!({ ok: true, result: await runLoad(message) });
    } catch (error) {
      process.send!({ ok: false, error: String((error as Error).stack ?? error) });
    }
    process.disconnect();
  });
}
