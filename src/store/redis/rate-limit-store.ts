/**
 * Rate-limit buckets in Redis, shared by every process and instance that
 * names the same server and key prefix.
 *
 * - **Atomic**: each bucket is read, computed and written inside one Lua
 *   script, with the GCRA of core/rate-limit/gcra.ts, at Redis's own clock
 *   (`TIME`), so instances with skewed clocks share one timeline and
 *   concurrent requests from anywhere are counted exactly.
 * - **Batched**: the checks of one event-loop turn go to Redis as one script
 *   call (runtime/turn.ts, phase `admit`), so a loaded server pays one round
 *   trip and one script run per turn, not per request.
 * - **Bounded**: a Redis that does not answer within `timeoutMs` fails the
 *   batch (the limiter then fails open or closed); while disconnected,
 *   commands fail at once instead of queueing (`disableOfflineQueue`), and
 *   the client reconnects by itself. Each key expires when its bucket has
 *   drained, so Redis holds only buckets in use.
 *
 * One script call names several keys, so the keys must live on one server:
 * a single Redis, or a primary with replicas; not Redis Cluster.
 *
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 */
import { createHash } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import type { BucketAnswer, BucketOperation, RateLimitStore } from '../../core/ports/rate-limits.ts';
import { eventLoopTurn } from '../../runtime/turn.ts';

/**
 * The batch script: KEYS are the buckets, ARGV three per key (interval µs,
 * window µs, mode); answers two integers per key (allowed 0/1, level µs).
 * The arithmetic is gcra.ts's, line for line. TATs are stored as integer
 * strings (`%.0f`: Lua 5.1 would print large numbers in exponent form).
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 3 - 2])
  local window = tonumber(ARGV[i * 3 - 1])
  local mode = ARGV[i * 3]
  local tat = tonumber(redis.call('GET', KEYS[i]))
  local level = 0
  if tat ~= nil and tat > now then level = tat - now end
  local fits = level + interval <= window
  local allowed = 0
  if fits then allowed = 1 end
  if mode == 'peek' or (mode == 'take' and not fits) then
    out[#out + 1] = allowed
    out[#out + 1] = level
  else
    local nextLevel = level + interval
    if mode == 'charge' and nextLevel > window then nextLevel = window end
    redis.call('SET', KEYS[i], string.format('%.0f', now + nextLevel), 'PX', math.ceil(nextLevel / 1000))
    out[#out + 1] = allowed
    out[#out + 1] = nextLevel
  end
end
return out
`;

const SCRIPT_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

export interface RedisRateLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Prepended to every key, so installations (and tests) can share one Redis. */
  keyPrefix: string;
  /** How long one batch may take before it counts as a failure. */
  timeoutMs?: number;
  /** How long `open` waits for a first connection before serving anyway (the limiter's fail mode covers the gap). */
  connectWaitMs?: number;
  /** Told of connection errors; the client keeps reconnecting (with back-off) on its own. */
  onConnectionError?: (error: Error) => void;
}

interface Pending {
  operation: BucketOperation;
  resolve: (answer: BucketAnswer) => void;
  reject: (error: unknown) => void;
}

export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  readonly #client: RedisClientType;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  #batch: Pending[] = [];
  readonly #flush = () => this.#send(this.#takeBatch());

  private constructor(client: RedisClientType, options: RedisRateLimitStoreOptions) {
    this.#client = client;
    this.#prefix = options.keyPrefix;
    this.#timeoutMs = options.timeoutMs ?? 500;
  }

  /** Connects (waiting at most `connectWaitMs` for the first connection; it keeps trying after that). */
  static async open(options: RedisRateLimitStoreOptions): Promise<RedisRateLimitStore> {
    const client = createClient({
      url: options.url,
      // Commands sent while disconnected fail at once: a request must not wait for Redis to come back.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 5), 3000) },
    }) as RedisClientType;
    client.on('error', (error: Error) => options.onConnectionError?.(error));
    const store = new RedisRateLimitStore(client, options);
    const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    client.connect().catch(() => {
      // Reported through 'error'; the client retries until closed.
    });
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, options.connectWaitMs ?? 2000).unref())]);
    return store;
  }

  apply(operation: BucketOperation): Promise<BucketAnswer> {
    return new Promise((resolve, reject) => {
      if (this.#batch.length === 0) eventLoopTurn.atEnd('admit', this.#flush);
      this.#batch.push({ operation, resolve, reject });
    });
  }

  async reset(key: string): Promise<void> {
    await this.#withTimeout(this.#client.sendCommand(['DEL', this.#prefix + key]));
  }

  async close(): Promise<void> {
    if (this.#client.isReady) await this.#client.close();
    else this.#client.destroy();
  }

  #takeBatch(): Pending[] {
    const batch = this.#batch;
    this.#batch = [];
    return batch;
  }

  async #send(batch: Pending[]): Promise<void> {
    const keys = batch.map((p) => this.#prefix + p.operation.key);
    const args = batch.flatMap((p) => [String(p.operation.intervalUs), String(p.operation.windowUs), p.operation.mode]);
    let reply: unknown;
    try {
      reply = await this.#withTimeout(this.#script(keys, args));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    const values = reply as number[];
    batch.forEach((p, i) => p.resolve({ allowed: Number(values[2 * i]) === 1, levelUs: Number(values[2 * i + 1]) }));
  }

  async #script(keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#client.sendCommand(['EVALSHA', SCRIPT_SHA, ...tail]);
    } catch (error) {
      // A Redis that restarted (or another that never saw the script) loads it with the first EVAL.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#client.sendCommand(['EVAL', GCRA_SCRIPT, ...tail]);
    }
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
