/**
 * The PostgreSQL token cache's own rules, without a database: what it keeps,
 * for how long, and what it drops.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenRecord } from '../../src/core/model.ts';
import { PostgresTokenCache } from '../../src/store/postgres/token-cache.ts';

const record = (revokedAt: number | null) => ({ hash: 'h1', revokedAt }) as unknown as TokenRecord;

function harness(maxAgeMs = 1000) {
  let now = 0;
  let stored: TokenRecord | undefined = record(null);
  let queries = 0;
  const cache = new PostgresTokenCache({ maxAgeMs, now: () => now });
  const load = async () => {
    queries++;
    return stored;
  };
  return {
    cache,
    lookup: () => cache.get('h1', load),
    advance: (ms: number) => (now += ms),
    store: (value: TokenRecord | undefined) => (stored = value),
    queries: () => queries,
  };
}

describe('PostgresTokenCache', () => {
  it('keeps nothing while not listening: every lookup queries', async () => {
    const h = harness();
    await h.lookup();
    await h.lookup();
    assert.equal(h.queries(), 2);
  });

  it('keeps a record while listening, until a change is notified', async () => {
    const h = harness();
    h.cache.listening(true);
    await h.lookup();
    await h.lookup();
    assert.equal(h.queries(), 1, 'the second lookup is answered from memory');
    h.store(record(5));
    h.cache.changed();
    assert.equal((await h.lookup())?.revokedAt, 5, 'a notified change is read again');
    assert.equal(h.queries(), 2);
  });

  it('keeps a record no longer than its age bound, even when no notification ever comes (a listener lost without notice)', async () => {
    const h = harness(1000);
    h.cache.listening(true);
    await h.lookup();
    h.store(record(7));
    h.advance(999);
    assert.equal((await h.lookup())?.revokedAt, null, 'within the bound: the kept record');
    h.advance(1);
    assert.equal((await h.lookup())?.revokedAt, 7, 'at the bound: queried again');
    assert.equal(h.queries(), 2);
  });

  it('does not keep what a lookup read while a change was being dropped', async () => {
    const h = harness();
    h.cache.listening(true);
    const racing = h.lookup();
    h.cache.changed();
    await racing;
    await h.lookup();
    assert.equal(h.queries(), 2);
  });
});
