/**
 * The generic cell rate algorithm (GCRA), the token bucket written as one
 * number per key: the bucket's *level* is how far its theoretical arrival
 * time (TAT) lies ahead of now. Every request raises it by one interval
 * (`window / limit`); time lowers it; a request fits while the level stays
 * within the window. So at most `limit` requests pass at once, and after that
 * one per interval: there is no window edge at which a second burst could
 * follow the first, as with fixed windows.
 *
 * Everything is whole microseconds, which doubles hold exactly (until the
 * year 2255), so the counts are exact: `limit` requests fit in a full bucket,
 * never `limit + 1` through a rounding error. The Redis store runs the same
 * arithmetic in Lua (store/redis/gcra.lua.ts); both are tested alike.
 *
 * Three operations:
 * - `take`: count one request if it fits (a rate limit);
 * - `peek`: say whether one would fit, counting nothing (a gate in front of
 *   costly work, opened by failures counted elsewhere);
 * - `charge`: count one whatever happens, the level capped at a full window
 *   (a failure already happened; it must count, but a flood of them must not
 *   push the bucket's recovery out indefinitely).
 *
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 * @see https://brandur.org/rate-limiting
 */
import type { BucketAnswer, BucketMode } from '../ports/rate-limits.ts';

export interface GcraResult extends BucketAnswer {
  /** The TAT to store (µs), or undefined to leave the stored one as it is. */
  tat: number | undefined;
}

/**
 * One operation on a bucket whose stored TAT is `tat` (µs; undefined when the
 * store has none), at `now` (µs).
 */
export function gcra(tat: number | undefined, now: number, intervalUs: number, windowUs: number, mode: BucketMode): GcraResult {
  const level = tat === undefined || tat <= now ? 0 : tat - now;
  const fits = level + intervalUs <= windowUs;
  if (mode === 'peek' || (mode === 'take' && !fits)) return { allowed: fits, levelUs: level, tat: undefined };
  const next = mode === 'charge' ? Math.min(level + intervalUs, windowUs) : level + intervalUs;
  return { allowed: fits, levelUs: next, tat: now + next };
}
