import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { defaultArgon2Limits } from '../../src/core/crypto/argon2id.ts';
import { WorkAbandonedError, WorkLimiter, WorkQueueFullError } from '../../src/core/crypto/work-limiter.ts';
import { classifyFailure } from '../../src/http/errors/http-failure.ts';

/** A task that finishes when the test says so. */
function gate(): { task: () => Promise<void>; open: () => void; started: boolean } {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  const g = {
    started: false,
    open: () => open(),
    task: async () => {
      g.started = true;
      await done;
    },
  };
  return g;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('work limiter (bounds concurrent argon2)', () => {
  it('runs at most `concurrency` tasks at once, the others in arrival order as slots free up', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 2, maxQueued: 10 });
    const gates = Array.from({ length: 4 }, gate);
    const runs = gates.map((g) => limiter.run(g.task));
    await tick();
    assert.deepEqual(gates.map((g) => g.started), [true, true, false, false]);
    assert.deepEqual(limiter.stats(), { active: 2, queued: 2, completed: 0, abandoned: 0, shed: 0 });
    gates[1]!.open();
    await tick();
    assert.deepEqual(gates.map((g) => g.started), [true, true, true, false]);
    for (const g of gates) g.open();
    await Promise.all(runs);
    assert.deepEqual(limiter.stats(), { active: 0, queued: 0, completed: 4, abandoned: 0, shed: 0 });
  });

  it('refuses a task at once when every slot is busy and the queue is full', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 1 });
    const [a, b] = [gate(), gate()];
    const runs = [limiter.run(a.task), limiter.run(b.task)];
    await assert.rejects(limiter.run(async () => {}), WorkQueueFullError);
    a.open();
    b.open();
    await Promise.all(runs);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 0 });
    await assert.rejects(limiter.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limiter.run(async () => 'ok'), 'ok');
  });

  it('starts waiting tasks when reconfigured with more slots', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 5 });
    const gates = Array.from({ length: 3 }, gate);
    const runs = gates.map((g) => limiter.run(g.task));
    await tick();
    limiter.configure({ concurrency: 3, maxQueued: 5 });
    await tick();
    assert.deepEqual(gates.map((g) => g.started), [true, true, true]);
    for (const g of gates) g.open();
    await Promise.all(runs);
  });

  it('drops a waiting task whose caller went away and hands the slot to the next one still there', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 10 });
    const [first, leaving, staying] = [gate(), gate(), gate()];
    let gone = false;
    const runs = [
      limiter.run(first.task),
      limiter.run(leaving.task, { abandoned: () => gone }),
      limiter.run(staying.task, { abandoned: () => false }),
    ];
    await tick();
    gone = true;
    first.open();
    await assert.rejects(runs[1]!, WorkAbandonedError);
    await tick();
    assert.deepEqual([leaving.started, staying.started], [false, true]);
    staying.open();
    await Promise.all([runs[0], runs[2]]);
    assert.deepEqual(limiter.stats(), { active: 0, queued: 0, completed: 2, abandoned: 1, shed: 0 });
  });

  it('refuses a task whose caller has already gone without taking a slot', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 0 });
    let ran = false;
    await assert.rejects(limiter.run(async () => { ran = true; }, { abandoned: () => true }), WorkAbandonedError);
    assert.equal(ran, false);
    assert.equal(await limiter.run(async () => 'ok'), 'ok');
  });

  it('makes room in a full queue by dropping waiters whose callers went away', async () => {
    const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 1 });
    const [running, leaving, arriving] = [gate(), gate(), gate()];
    let gone = false;
    const runs = [limiter.run(running.task), limiter.run(leaving.task, { abandoned: () => gone })];
    await assert.rejects(limiter.run(async () => {}), WorkQueueFullError);
    gone = true;
    const late = limiter.run(arriving.task);
    await assert.rejects(runs[1]!, WorkAbandonedError);
    running.open();
    arriving.open();
    await Promise.all([runs[0], late]);
    assert.deepEqual([leaving.started, arriving.started], [false, true]);
  });

  it('refuses nonsense limits', () => {
    assert.throws(() => new WorkLimiter('test', { concurrency: 0, maxQueued: 1 }), RangeError);
    assert.throws(() => new WorkLimiter('test', { concurrency: 1, maxQueued: -1 }), RangeError);
  });

  it('uses every core but keeps a libuv thread for file and DNS work by default', () => {
    const { concurrency, maxQueued } = defaultArgon2Limits();
    const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    assert.equal(concurrency, Math.max(1, Math.min(availableParallelism(), threadpool - 1)));
    assert.equal(maxQueued, 64);
  });

  describe('fair shares', () => {
    /** Runs a gated task for `shares`, recording the order in which tasks start. */
    function queued(limiter: WorkLimiter, started: string[]) {
      return (name: string, shares: string[]) => {
        const g = gate();
        const run = limiter.run(async () => {
          started.push(name);
          await g.task();
        }, { shares });
        return { ...g, run };
      };
    }

    it('starts waiting tasks round robin across addresses, so a new source waits behind one task of each other', async () => {
      const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 100 });
      const started: string[] = [];
      const add = queued(limiter, started);
      const tasks = [add('running', ['addr:a']), ...Array.from({ length: 5 }, (_, i) => add(`a${i}`, ['addr:a'])), add('b0', ['addr:b']), add('a5', ['addr:a'])];
      for (const t of tasks) {
        await tick();
        t.open();
      }
      await Promise.all(tasks.map((t) => t.run));
      assert.deepEqual(started, ['running', 'a0', 'b0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    });

    it('gives a newcomer the place of the greediest share’s newest task when the queue is full, and refuses it when no share holds more', async () => {
      const shed: string[] = [];
      const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 4 }, { onShed: (share) => shed.push(share) });
      const started: string[] = [];
      const add = queued(limiter, started);
      const running = add('running', ['addr:x']);
      const flood = Array.from({ length: 4 }, (_, i) => add(`a${i}`, ['addr:a', 'user:t/a']));
      await tick();
      const legit = add('b', ['addr:b', 'user:t/b']);
      await assert.rejects(flood[3]!.run, WorkQueueFullError, 'the flood’s newest task gave up its place');
      const second = add('b2', ['addr:b', 'user:t/b']);
      await assert.rejects(flood[2]!.run, WorkQueueFullError, 'one more, while the flood still holds more than b');
      await assert.rejects(add('b3', ['addr:b', 'user:t/b']).run, WorkQueueFullError, 'two each: b waits its turn instead of displacing');
      assert.deepEqual(shed, ['addr:a', 'addr:a', 'addr:b']);
      assert.equal(limiter.stats().shed, 3);
      for (const t of [running, flood[0]!, flood[1]!, legit, second]) t.open();
      await Promise.all([running, flood[0]!, flood[1]!, legit, second].map((t) => t.run));
      assert.deepEqual(started, ['running', 'a0', 'b', 'a1', 'b2']);
    });

    it('bounds one user name across addresses as well', async () => {
      const limiter = new WorkLimiter('test', { concurrency: 1, maxQueued: 4 });
      const started: string[] = [];
      const add = queued(limiter, started);
      const running = add('running', ['addr:x']);
      const spread = Array.from({ length: 4 }, (_, i) => add(`victim${i}`, [`addr:${i}`, 'user:t/victim']));
      await tick();
      const other = add('other', ['addr:9', 'user:t/other']);
      await assert.rejects(spread[3]!.run, WorkQueueFullError, 'the user name holding every place gives one up');
      for (const t of [running, ...spread.slice(0, 3), other]) t.open();
      await Promise.all([running, ...spread.slice(0, 3), other].map((t) => t.run));
      assert.ok(started.includes('other'));
    });
  });

  it('is answered as temporarily_unavailable, which a client may retry: 429 without a log line of its own when the queue is full', () => {
    const full = classifyFailure(new WorkQueueFullError('argon2'), 0);
    assert.deepEqual([full.code, full.status, full.headers['retry-after'], full.log], ['temporarily_unavailable', 429, '1', 'none']);
    const abandoned = classifyFailure(new WorkAbandonedError('argon2'), 0);
    assert.deepEqual([abandoned.code, abandoned.status, abandoned.headers['retry-after']], ['temporarily_unavailable', 503, '5']);
  });
});
