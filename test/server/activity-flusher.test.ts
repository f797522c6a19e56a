/** The activity flusher keeps counts a failed write did not store and writes them with the next batch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityCounter } from '../../src/core/activity-counter.ts';
import type { ActivityCount } from '../../src/core/ports/activity.ts';
import { StoreUnavailableError } from '../../src/core/ports/errors.ts';
import { startActivityFlusher } from '../../src/server/activity-flusher.ts';
import { MemoryActivityStore } from '../../src/store/memory/activity.ts';

describe('activity flusher', () => {
  it('loses no count through a database outage', async () => {
    const counter = new ActivityCounter();
    const store = new MemoryActivityStore();
    let down = true;
    const errors: unknown[] = [];
    const flaky = {
      addActivity: (counts: readonly ActivityCount[]) => (down ? Promise.reject(new StoreUnavailableError('gone')) : store.addActivity(counts)),
      readActivity: store.readActivity.bind(store),
      purgeActivity: store.purgeActivity.bind(store),
    };
    const at = Date.UTC(2026, 0, 1, 12, 0, 30);
    const flusher = startActivityFlusher({ counter, store: flaky, clock: () => at, intervalMs: 60_000, onError: (e) => errors.push(e) });
    counter.issued('t1', 'client_credentials', 'svc', at);
    counter.failed('t1', 'invalid_client', at);
    await flusher.flush();
    assert.equal(errors.length, 1);
    assert.equal(counter.pending, 2, 'kept for the next write');
    counter.issued('t1', 'client_credentials', 'svc', at);
    down = false;
    await flusher.stop();
    const minute = Date.UTC(2026, 0, 1, 12, 0);
    assert.deepEqual(
      (await store.readActivity('t1', minute, minute + 60_000)).map((c) => `${c.kind}:${c.name}:${c.clientId}:${c.count}`).sort(),
      ['error:invalid_client::1', 'issued:client_credentials:svc:2'],
    );
    assert.equal(counter.pending, 0);
  });
});
