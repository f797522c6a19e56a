/**
 * What every rate-limit store must do (memory and Redis alike): exact counts
 * for the three bucket operations, resets, and exact counts when many
 * requests hit one bucket at once. Windows are long, so no bucket drains
 * during a test and no case depends on timing.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { BucketMode, RateLimitStore } from '../../src/core/ports/rate-limits.ts';

const HOUR_US = 3600 * 1_000_000;

export function rateLimitStoreContract(name: string, open: () => Promise<RateLimitStore>, options: { skip?: string | false; second?: () => Promise<RateLimitStore> } = {}): void {
  describe(`rate-limit store contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: RateLimitStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    const op = (key: string, limit: number, mode: BucketMode = 'take') => store.apply({ key, intervalUs: Math.floor(HOUR_US / limit), windowUs: HOUR_US, mode });

    it('lets exactly the limit through, each key on its own, and reports the level', async () => {
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await op('a', 5));
      assert.deepEqual(answers.map((a) => a.allowed), [true, true, true, true, true, false, false, false]);
      assert.ok(answers[4]!.levelUs > 4 * (HOUR_US / 5) && answers[4]!.levelUs <= HOUR_US, 'five intervals, less what elapsed');
      assert.equal((await op('b', 5)).allowed, true);
    });

    it('peeks without counting and charges past the limit', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await op('p', 3, 'peek')).allowed, true);
      for (let i = 0; i < 3; i++) await op('p', 3, 'charge');
      assert.equal((await op('p', 3, 'peek')).allowed, false);
      const charged = await op('p', 3, 'charge');
      assert.equal(charged.allowed, false);
      assert.ok(charged.levelUs <= HOUR_US, 'a charge never pushes the level past the window');
    });

    it('forgets a bucket on reset', async () => {
      for (let i = 0; i < 2; i++) await op('r', 2);
      assert.equal((await op('r', 2)).allowed, false);
      await store.reset('r');
      assert.equal((await op('r', 2)).allowed, true);
    });

    it('counts exactly when many requests hit one bucket at once', async () => {
      const stores = [store, ...(options.second ? [await options.second()] : [])];
      try {
        const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % stores.length]!.apply({ key: 'c', intervalUs: HOUR_US / 20, windowUs: HOUR_US, mode: 'take' })));
        assert.equal(answers.filter((a) => a.allowed).length, 20);
      } finally {
        for (const s of stores.slice(1)) await s.close();
      }
    });
  });
}
