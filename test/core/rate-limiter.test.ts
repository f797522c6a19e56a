import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimitedError, RateLimiter, RateLimitUnavailableError } from '../../src/core/rate-limit/limiter.ts';
import type { BucketAnswer, BucketOperation, RateLimitStore } from '../../src/core/ports/rate-limits.ts';
import { MemoryRateLimitStore } from '../../src/store/memory/rate-limits.ts';
import { frozenClock } from '../helpers/fixtures.ts';

/** A store that fails while `down` is set, and otherwise delegates to memory. */
class FlakyStore implements RateLimitStore {
  readonly kind = 'flaky';
  down = false;
  readonly #inner = new MemoryRateLimitStore({ clock: frozenClock().clock });
  apply(operation: BucketOperation): Promise<BucketAnswer> {
    return this.down ? Promise.reject(new Error('connection refused')) : Promise.resolve(this.#inner.apply(operation));
  }
  reset(key: string): void {
    this.#inner.reset(key);
  }
  async close(): Promise<void> {}
}

const rate = { limit: 2, window: 60 };

describe('rate limiter', () => {
  it('counts refusals per rule, answering synchronously over the memory store', () => {
    const refused: string[] = [];
    const limiter = new RateLimiter({ store: new MemoryRateLimitStore({ clock: frozenClock().clock }), failOpen: true, onRefused: (r) => refused.push(r) });
    const outcomes = [1, 2, 3, 4].map(() => limiter.take('token', 'default/a', rate));
    assert.ok(outcomes.every((o) => !(o instanceof Promise)), 'no promise from an in-process store');
    assert.deepEqual(outcomes.map((o) => (o as { allowed: boolean }).allowed), [true, true, false, false]);
    assert.equal((limiter.take('token', 'default/b', rate) as { allowed: boolean }).allowed, true, 'another subject has its own bucket');
    assert.equal(limiter.stats().limited.token, 2);
    assert.deepEqual(refused, ['token', 'token']);
  });

  it('fails open: passes requests unchecked while the store is away, reporting the outage and the recovery once', async () => {
    const store = new FlakyStore();
    const changes: boolean[] = [];
    const limiter = new RateLimiter({ store, failOpen: true, onStoreChange: (available) => changes.push(available) });
    store.down = true;
    for (let i = 0; i < 5; i++) assert.equal((await limiter.take('token', 's', rate)).allowed, true);
    assert.equal(limiter.stats().unchecked, 5);
    assert.equal(limiter.stats().store.available, false);
    store.down = false;
    await limiter.take('token', 's', rate);
    await limiter.take('token', 's', rate);
    assert.deepEqual(changes, [false, true]);
    assert.equal(limiter.stats().store.available, true);
  });

  it('fails closed: refuses with a 503 temporarily_unavailable while the store is away', async () => {
    const store = new FlakyStore();
    const limiter = new RateLimiter({ store, failOpen: false });
    store.down = true;
    await assert.rejects(Promise.resolve(limiter.take('token', 's', rate)), (e: unknown) => e instanceof RateLimitUnavailableError && e.status === 503 && e.code === 'temporarily_unavailable');
  });

  it('inspects and resets a bucket for operators', async () => {
    const limiter = new RateLimiter({ store: new MemoryRateLimitStore({ clock: frozenClock().clock }), failOpen: true });
    limiter.take('login', 'default/alice', rate);
    limiter.take('login', 'default/alice', rate);
    assert.deepEqual(await limiter.inspect('login', 'default/alice', rate), { rule: 'login', rate, allowed: false, remaining: 0, resetSeconds: 30 });
    await limiter.reset('login', 'default/alice');
    assert.equal((await limiter.inspect('login', 'default/alice', rate)).remaining, 2);
  });

  it('refuses with 429 and the headers it is given', () => {
    const error = new RateLimitedError({ rule: 'token', rate, allowed: false, remaining: 0, resetSeconds: 3 }, { 'retry-after': '3' });
    assert.equal(error.status, 429);
    assert.equal(error.headers['retry-after'], '3');
  });
});

describe('memory rate-limit store', () => {
  it('stays within its bound under a flood of distinct keys, keeping the buckets in use', () => {
    const time = frozenClock();
    const store = new MemoryRateLimitStore({ clock: time.clock, maxBuckets: 100 });
    const op = (key: string) => store.apply({ key, intervalUs: 60_000_000, windowUs: 120_000_000, mode: 'take' });
    op('kept');
    for (let i = 0; i < 1000; i++) {
      op(`flood-${i}`);
      if (i % 50 === 0) op('kept');
    }
    assert.ok(store.size <= 100, `${store.size} buckets`);
    assert.equal(op('kept').allowed, false, 'the bucket written recently is still there, and spent');
  });
});
