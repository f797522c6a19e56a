import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityCounter } from '../../src/core/activity-counter.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('ActivityCounter', () => {
  it('adds counts of one tenant, minute, kind, name and client together, and keeps every other combination apart', () => {
    const counter = new ActivityCounter();
    counter.issued('t1', 'client_credentials', 'c1', T0 + 1);
    counter.issued('t1', 'client_credentials', 'c1', T0 + 59_999);
    counter.issued('t1', 'client_credentials', 'c1', T0 + 60_000);
    counter.issued('t1', 'password', 'c1', T0);
    counter.issued('t1', 'client_credentials', 'c2', T0);
    counter.issued('t2', 'client_credentials', 'c1', T0);
    counter.failed('t1', 'invalid_client', T0);
    counter.failed('t1', 'invalid_client', T0 + 5);
    assert.equal(counter.pending, 6);
    const drained = counter.drain().map((c) => `${c.tenantId} ${c.minute - T0} ${c.kind} ${c.name} ${c.clientId} ${c.count}`).sort();
    assert.deepEqual(drained, [
      't1 0 error invalid_client  2',
      't1 0 issued client_credentials c1 2',
      't1 0 issued client_credentials c2 1',
      't1 0 issued password c1 1',
      't1 60000 issued client_credentials c1 1',
      't2 0 issued client_credentials c1 1',
    ]);
    assert.equal(counter.pending, 0);
    assert.deepEqual(counter.drain(), []);
  });

  it('restores counts a failed write did not store onto counts made since', () => {
    const counter = new ActivityCounter();
    counter.issued('t1', 'client_credentials', 'c1', T0);
    const taken = counter.drain();
    counter.issued('t1', 'client_credentials', 'c1', T0 + 10);
    counter.restore(taken);
    assert.deepEqual(counter.drain().map((c) => c.count), [2]);
  });
});
