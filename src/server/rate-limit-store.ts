/** Opens the rate-limit store the configuration names: this process's memory, or a shared Redis. */
import type { TesseraConfig } from '../config/config.ts';
import type { Clock } from '../core/clock.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { MemoryRateLimitStore } from '../store/memory/rate-limits.ts';

export async function openRateLimitStore(
  config: Pick<TesseraConfig, 'rateLimitStore' | 'rateLimitKeyPrefix'>,
  options: { clock?: Clock; onConnectionError?: (error: Error) => void } = {},
): Promise<RateLimitStore> {
  if (config.rateLimitStore === 'memory') return new MemoryRateLimitStore({ clock: options.clock });
  // Loaded only here: an installation without Redis never loads its client.
  const { RedisRateLimitStore } = await import('../store/redis/rate-limit-store.ts');
  return RedisRateLimitStore.open({ url: config.rateLimitStore, keyPrefix: config.rateLimitKeyPrefix, onConnectionError: options.onConnectionError });
}
