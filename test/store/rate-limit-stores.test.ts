import { after } from 'node:test';
import { MemoryRateLimitStore } from '../../src/store/memory/rate-limits.ts';
import { RedisRateLimitStore } from '../../src/store/redis/rate-limit-store.ts';
import { dropKeys, REDIS_URL, redisSkip, testKeyPrefix } from '../helpers/redis.ts';
import { rateLimitStoreContract } from './rate-limit-store-contract.ts';

rateLimitStoreContract('memory', async () => new MemoryRateLimitStore());

const skip = redisSkip('the Redis rate-limit store contract');
const prefixes: string[] = [];
/** Each test its own prefix; the concurrency case adds a second connection (another instance) on the same prefix. */
let current = '';
const openRedis = (prefix: string) => RedisRateLimitStore.open({ url: REDIS_URL!, keyPrefix: prefix });
rateLimitStoreContract('redis', async () => {
  current = testKeyPrefix();
  prefixes.push(current);
  return openRedis(current);
}, { skip, second: () => openRedis(current) });
after(async () => {
  if (skip === false) for (const prefix of prefixes) await dropKeys(prefix);
});
