/**
 * The rate limits' own cost per request, without a server around it: the
 * pipeline hook's work on a token request (the per-address rule on arrival,
 * the per-client rule once the client authenticated), measured as this
 * process's CPU time per request over many requests, in alternating batches
 * of each configuration. With Redis, 32 requests share each event-loop turn
 * (as on a loaded server), so one script call serves 32 checks; what Redis
 * itself spends is not counted here (it is in `rate-limit-ab.ts`'s figures,
 * on the same machine).
 *
 *   node bench/rate-limit-micro.ts [--redis redis://127.0.0.1:6379] [--batches 10] [--requests 200000]
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import type { CallerEvent } from '../src/core/caller.ts';
import type { Client, Tenant } from '../src/core/model.ts';
import { RateLimiter } from '../src/core/rate-limit/limiter.ts';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '../src/core/rate-limit/rules.ts';
import { rateLimitHook } from '../src/http/pipeline/hooks/rate-limit.ts';
import { RequestContext } from '../src/http/pipeline/request-context.ts';
import type { RateLimitStore } from '../src/core/ports/rate-limits.ts';
import { MemoryRateLimitStore } from '../src/store/memory/rate-limits.ts';
import { RedisRateLimitStore } from '../src/store/redis/rate-limit-store.ts';
import { createLogger } from '../src/http/logging.ts';

const { values } = parseArgs({ options: { redis: { type: 'string', default: 'redis://127.0.0.1:6379' }, batches: { type: 'string', default: '10' }, requests: { type: 'string', default: '200000' } } });
const BATCHES = Number(values.batches);
const REQUESTS = Number(values.requests);
const PER_TURN = 32;

const off = Object.fromEntries(Object.keys(DEFAULT_RULE_SETTINGS).map((r) => [r, 'off'])) as RuleSettings;
const everyRequest: RuleSettings = { ...DEFAULT_RULE_SETTINGS, token: { limit: 1_000_000, window: 1 }, 'oauth-address': { limit: 1_000_000, window: 1 } };

const tenant = { id: 'default', rateLimit: {} } as unknown as Tenant;
const client = { id: 'bench', rateLimit: {} } as unknown as Client;
const request = { method: 'POST', url: '/oauth/token', socket: { remoteAddress: '127.0.0.1' }, headers: {} } as unknown as IncomingMessage;
const response = {} as ServerResponse;
const log = createLogger('silent');
const authenticated: CallerEvent = { kind: 'client-authenticated', tenant, client };

function hookFor(store: RateLimitStore, rules: RuleSettings) {
  return rateLimitHook({ limiter: new RateLimiter({ store, failOpen: true }), rules });
}

/** One token request's rate-limit work: arrival, then the authenticated client. */
async function one(hook: ReturnType<typeof rateLimitHook>): Promise<void> {
  const context = new RequestContext('id', { name: 'token', errorFormat: 'oauth' }, request, '127.0.0.1', log);
  const arrived = hook.onRequest!(context, request, response);
  if (arrived !== undefined) await arrived;
  const reported = hook.onCaller!(context, authenticated);
  if (reported !== undefined) await reported;
}

/** CPU µs per request for `n` requests, `PER_TURN` at a time. */
async function measure(hook: ReturnType<typeof rateLimitHook>, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let done = 0; done < n; done += PER_TURN) {
    await Promise.all(Array.from({ length: PER_TURN }, () => one(hook)));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const redis = await RedisRateLimitStore.open({ url: values.redis!, keyPrefix: `tessera-micro-${randomBytes(4).toString('hex')}:` });
const configs = [
  { name: 'off', hook: hookFor(new MemoryRateLimitStore(), off), n: REQUESTS },
  { name: 'defaults, memory', hook: hookFor(new MemoryRateLimitStore(), DEFAULT_RULE_SETTINGS), n: REQUESTS },
  { name: 'every request, memory', hook: hookFor(new MemoryRateLimitStore(), everyRequest), n: REQUESTS },
  { name: 'every request, Redis', hook: hookFor(redis, everyRequest), n: Math.ceil(REQUESTS / 10) },
];
const results = new Map(configs.map((c) => [c.name, [] as number[]]));
for (const c of configs) await measure(c.hook, Math.ceil(c.n / 10)); // warm-up
for (let b = 0; b < BATCHES; b++) {
  for (let i = 0; i < configs.length; i++) {
    const c = configs[(i + b) % configs.length]!;
    results.get(c.name)!.push(await measure(c.hook, c.n));
  }
}
await redis.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('configuration            | CPU µs per request: median (min–max) over batches');
for (const [name, xs] of results) console.log(`${name.padEnd(24)} | ${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`);
