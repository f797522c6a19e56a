import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { startTokenPurger } from '../../src/server/token-purger.ts';
import { token } from '../../src/store/contract.ts';

const NOW = Date.UTC(2026, 0, 1);
const clock = () => NOW;

describe('token purger', () => {
  it('drains a backlog in batches and keeps live tokens', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 5; i++) await store.tokens.saveToken(token(`old${i}`, { expiresAt: NOW - 1000 + i }));
    await store.tokens.saveToken(token('live', { expiresAt: NOW + 1 }));
    const purger = startTokenPurger({ tokens: store.tokens, clock, intervalMs: 0, batchSize: 2 });
    assert.equal(await purger.runOnce(), 5);
    assert.ok(await store.tokens.findToken('live'));
    assert.equal(await store.tokens.findToken('old4'), undefined);
    await purger.stop();
  });

  it('stops a run after maxBatchesPerRun and leaves the rest for the next', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 5; i++) await store.tokens.saveToken(token(`old${i}`, { expiresAt: NOW - 1 }));
    const purger = startTokenPurger({ tokens: store.tokens, clock, intervalMs: 0, batchSize: 2, maxBatchesPerRun: 1 });
    assert.equal(await purger.runOnce(), 2);
    assert.equal(await purger.runOnce(), 2);
    assert.equal(await purger.runOnce(), 1);
    await purger.stop();
  });

  it('yields between batches, so other work (issuance) runs while a backlog drains', async () => {
    const events: string[] = [];
    let left = 3;
    const tokens = {
      async purgeExpired(_before: number, limit: number) {
        events.push('batch');
        return left-- > 0 ? limit : 0;
      },
    };
    const purger = startTokenPurger({ tokens, clock, intervalMs: 0, batchSize: 10 });
    const run = purger.runOnce();
    setImmediate(() => events.push('issue'));
    assert.equal(await run, 30);
    assert.deepEqual(events.slice(0, 2), ['batch', 'issue'], 'a request queued during the first batch ran before the second');
    await purger.stop();
  });

  it('runs on its timer, reports failures, and keeps running after one', async () => {
    let calls = 0;
    const tokens = {
      async purgeExpired() {
        calls++;
        if (calls === 1) throw new Error('database down');
        return 0;
      },
    };
    const errors: unknown[] = [];
    const second = Promise.withResolvers<number>();
    const purger = startTokenPurger({ tokens, clock, intervalMs: 5, onError: (e) => errors.push(e), onRun: second.resolve });
    assert.equal(await second.promise, 0);
    assert.match(String(errors[0]), /database down/);
    await purger.stop();
  });

  it('joins a run in progress instead of starting a second, and stop() waits for it', async () => {
    const gate = Promise.withResolvers<void>();
    let calls = 0;
    const tokens = {
      async purgeExpired() {
        calls++;
        await gate.promise;
        return 0;
      },
    };
    const purger = startTokenPurger({ tokens, clock, intervalMs: 0 });
    const a = purger.runOnce();
    const b = purger.runOnce();
    assert.equal(a, b);
    let stopped = false;
    const stopping = purger.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false);
    gate.resolve();
    await stopping;
    assert.equal(calls, 1);
  });
});
