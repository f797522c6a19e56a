import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnBatch } from '../../src/core/crypto/turn-batch.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it("starts the turn's jobs together at its end, not as they are handed over", async () => {
    const batch = new TurnBatch();
    const started: string[] = [];
    const job = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const a = batch.run(job('a'));
    await Promise.resolve(); // later in the same turn, after a microtask
    const b = batch.run(job('b'));
    assert.deepEqual(started, [], 'nothing starts before the end of the turn');
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(started, ['a', 'b']);

    // A later turn's jobs form a batch of their own.
    const c = batch.run(job('c'));
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(await c, 'c');
    assert.deepEqual(started, ['a', 'b', 'c']);
  });

  it('fails only the job that failed, whether it throws or rejects', async () => {
    const batch = new TurnBatch();
    const throws = batch.run(() => {
      throw new Error('thrown');
    });
    const rejects = batch.run(() => Promise.reject(new Error('rejected')));
    const fine = batch.run(() => Promise.resolve(42));
    await assert.rejects(throws, /thrown/);
    await assert.rejects(rejects, /rejected/);
    assert.equal(await fine, 42);
  });

  it('runs a job queued by a job of the current batch in the next one', async () => {
    const batch = new TurnBatch();
    const order: string[] = [];
    const outer = batch.run(async () => {
      order.push('outer');
      const inner = batch.run(async () => {
        order.push('inner');
        return 'inner';
      });
      assert.deepEqual(order, ['outer']);
      return inner;
    });
    assert.equal(await outer, 'inner');
    assert.deepEqual(order, ['outer', 'inner']);
    await nextTurn();
  });
});
