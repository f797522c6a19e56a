import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gcra } from '../../src/core/rate-limit/gcra.ts';
import { outcomeOf } from '../../src/core/rate-limit/limiter.ts';
import type { BucketMode } from '../../src/core/ports/rate-limits.ts';

const S = 1_000_000;

/** A bucket of `limit` per `window` seconds, driven by hand: the stored TAT and the time in µs. */
function bucket(limit: number, window: number) {
  const windowUs = window * S;
  const intervalUs = Math.floor(windowUs / limit);
  let tat: number | undefined;
  let now = 1_700_000_000 * S;
  return {
    op(mode: BucketMode) {
      const r = gcra(tat, now, intervalUs, windowUs, mode);
      if (r.tat !== undefined) tat = r.tat;
      return r;
    },
    takeMany(n: number) {
      let allowed = 0;
      for (let i = 0; i < n; i++) if (this.op('take').allowed) allowed++;
      return allowed;
    },
    advance(seconds: number) {
      now += Math.round(seconds * S);
    },
  };
}

describe('GCRA', () => {
  it('lets exactly limit requests through at once, then refuses', () => {
    for (const [limit, window] of [[5, 60], [3, 10], [7, 1], [1000, 10], [1, 1]] as const) {
      assert.equal(bucket(limit, window).takeMany(limit + 10), limit, `${limit}/${window}s`);
    }
  });

  it('admits one more per interval after the burst, never a second burst at a window edge', () => {
    const b = bucket(10, 60); // one every 6 s
    assert.equal(b.takeMany(10), 10);
    b.advance(5.9);
    assert.equal(b.takeMany(5), 0, 'not yet');
    b.advance(0.1);
    assert.equal(b.takeMany(5), 1, 'one interval later, one request');
    b.advance(60);
    assert.equal(b.takeMany(20), 10, 'a full window later, a full burst: never more');
  });

  it('peeks without counting, and charges beyond the limit without pushing recovery past a full window', () => {
    const b = bucket(2, 10);
    assert.equal(b.op('peek').allowed, true);
    assert.equal(b.op('charge').allowed, true);
    assert.equal(b.op('charge').allowed, true);
    assert.equal(b.op('peek').allowed, false, 'two failures spent it');
    const after = b.op('charge');
    assert.equal(after.allowed, false);
    assert.equal(after.levelUs, 10 * S, 'capped at the window');
    b.advance(5);
    assert.equal(b.op('peek').allowed, true, 'one interval after the cap, one fits again');
  });

  it('tells remaining requests and the seconds until the next one', () => {
    const rate = { limit: 10, window: 60 };
    const b = bucket(10, 60);
    assert.deepEqual(outcomeOf('token', rate, b.op('take')), { rule: 'token', rate, allowed: true, remaining: 9, resetSeconds: 6 });
    b.takeMany(9);
    assert.deepEqual(outcomeOf('token', rate, b.op('take')), { rule: 'token', rate, allowed: false, remaining: 0, resetSeconds: 6 });
    b.advance(4.5);
    assert.deepEqual(outcomeOf('token', rate, b.op('take')), { rule: 'token', rate, allowed: false, remaining: 0, resetSeconds: 2 }, '1.5 s left, rounded up');
  });
});
