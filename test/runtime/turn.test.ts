import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Turn, TURN_PHASES } from '../../src/runtime/turn.ts';

describe('the end of the event-loop turn', () => {
  it("runs the turn's work at its end, in the phases' stated order, whatever order it was queued in", async () => {
    const turn = new Turn();
    const ran: string[] = [];
    for (const phase of [...TURN_PHASES].reverse()) turn.atEnd(phase, () => ran.push(phase));
    turn.atEnd('sign', () => ran.push('sign again'));
    await Promise.resolve();
    assert.deepEqual(ran, [], 'nothing runs before the end of the turn');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['admit', 'sign', 'sign again', 'commit', 'cache', 'answer']);
  });

  it("starts the turn's jobs together at its end, and a later turn's jobs form a batch of their own", async () => {
    const turn = new Turn();
    const started: string[] = [];
    const job = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const a = turn.run('sign', job('a'));
    await Promise.resolve();
    const b = turn.run('sign', job('b'));
    assert.deepEqual(started, []);
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    const c = turn.run('sign', job('c'));
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(await c, 'c');
  });

  it('fails only the job that failed, whether it throws or rejects', async () => {
    const turn = new Turn();
    const throws = turn.run('sign', () => {
      throw new Error('thrown');
    });
    const rejects = turn.run('sign', () => Promise.reject(new Error('rejected')));
    const fine = turn.run('sign', () => Promise.resolve(42));
    await assert.rejects(throws, /thrown/);
    await assert.rejects(rejects, /rejected/);
    assert.equal(await fine, 42);
  });

  it('puts work queued while the end runs into the next turn, even for a phase still to come', async () => {
    const turn = new Turn();
    const ran: string[] = [];
    turn.atEnd('commit', () => {
      ran.push('commit');
      turn.atEnd('commit', () => ran.push('commit retried'));
      turn.atEnd('answer', () => ran.push('late answer'));
    });
    turn.atEnd('answer', () => ran.push('answer'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['commit', 'answer']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['commit', 'answer', 'commit retried', 'late answer']);
  });

  it('keeps running the other tasks when one throws, and reports it', async () => {
    const reported: unknown[] = [];
    const turn = new Turn((error) => reported.push(error));
    const ran: string[] = [];
    turn.atEnd('commit', () => {
      throw new Error('a bug');
    });
    turn.atEnd('answer', () => ran.push('answer'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['answer']);
    assert.match(String(reported[0]), /a bug/);
  });
});
