/** The cluster primary's supervision, with fake workers: no processes, no sockets. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { restartDelay } from '../../../src/server/cluster/restart-backoff.ts';
import { Supervisor, type SupervisedWorker } from '../../../src/server/cluster/supervisor.ts';

class FakeWorker extends EventEmitter implements SupervisedWorker {
  static nextPid = 1000;
  readonly pid = FakeWorker.nextPid++;
  readonly signals: string[] = [];
  /** Whether the fake exits when asked to (a hung worker ignores SIGTERM). */
  obeys = true;
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (this.obeys || signal === 'SIGKILL') setImmediate(() => this.exit(signal === 'SIGKILL' ? null : 0, signal === 'SIGKILL' ? 'SIGKILL' : null));
  }
  exit(code: number | null, signal: string | null = null): void {
    this.emit('exit', code, signal);
  }
}

const BACKOFF = { initialMs: 5, maxMs: 20, stableMs: 1000 };

function harness(workers: number, options: { stopTimeoutMs?: number } = {}) {
  const forked: FakeWorker[] = [];
  const logs: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const time = { now: 0 };
  const started = new Set<() => void>();
  const supervisor = new Supervisor({
    workers,
    fork: () => {
      const worker = new FakeWorker();
      forked.push(worker);
      for (const notify of started) notify();
      return worker;
    },
    log: (level, msg, fields) => logs.push({ level, msg, fields }),
    stopTimeoutMs: options.stopTimeoutMs ?? 1000,
    backoff: BACKOFF,
    clock: () => time.now,
  });
  /** Resolves when the fork count reaches `n`. */
  const forks = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (forked.length >= n) {
          started.delete(check);
          resolve();
        }
      };
      started.add(check);
      check();
    });
  return { supervisor, forked, logs, time, forks };
}

describe('restart back-off', () => {
  it('doubles from the initial delay up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 10, 1000].map((n) => restartDelay(n, BACKOFF)), [5, 10, 20, 20, 20, 20]);
    assert.equal(restartDelay(0), 500, 'the default starts at half a second');
  });
});

describe('cluster supervisor', () => {
  it('starts the configured number of workers', () => {
    const { supervisor, forked } = harness(3);
    supervisor.start();
    assert.equal(forked.length, 3);
    assert.deepEqual(supervisor.pids, forked.map((w) => w.pid));
  });

  it('replaces a crashed worker, backing off while crashes follow each other', async () => {
    const { supervisor, forked, logs, forks } = harness(1);
    supervisor.start();
    for (let n = 1; n <= 4; n++) {
      forked.at(-1)!.exit(1);
      await forks(n + 1);
    }
    const delays = logs.filter((l) => l.msg.startsWith('worker exited')).map((l) => l.fields.restartInMs);
    assert.deepEqual(delays, [5, 10, 20, 20]);
    assert.equal(logs.find((l) => l.msg.startsWith('worker exited'))?.level, 'error');
    assert.deepEqual(supervisor.pids, [forked.at(-1)!.pid]);
  });

  it('forgets earlier crashes once a worker stayed up past stableMs', async () => {
    const { supervisor, forked, logs, time, forks } = harness(1);
    supervisor.start();
    forked.at(-1)!.exit(1);
    await forks(2);
    forked.at(-1)!.exit(1);
    await forks(3);
    time.now += BACKOFF.stableMs;
    forked.at(-1)!.exit(null, 'SIGKILL');
    await forks(4);
    const delays = logs.filter((l) => l.msg.startsWith('worker exited')).map((l) => l.fields.restartInMs);
    assert.deepEqual(delays, [5, 10, 5]);
  });

  it('forwards SIGTERM to every worker on stop and restarts none of them', async () => {
    const { supervisor, forked } = harness(2);
    supervisor.start();
    assert.deepEqual(await supervisor.stop(), { forced: 0 });
    assert.deepEqual(forked.map((w) => w.signals), [['SIGTERM'], ['SIGTERM']]);
    assert.equal(forked.length, 2);
    assert.deepEqual(supervisor.pids, []);
  });

  it('kills a worker that outlives the stop timeout, and reports it', async () => {
    // Long enough that the obedient worker's exit (next tick) always lands first, even on a loaded machine.
    const { supervisor, forked, logs } = harness(2, { stopTimeoutMs: 250 });
    supervisor.start();
    forked[1]!.obeys = false;
    assert.deepEqual(await supervisor.stop(), { forced: 1 });
    assert.deepEqual(forked[1]!.signals, ['SIGTERM', 'SIGKILL']);
    assert.ok(logs.some((l) => l.level === 'warn' && l.fields.workerPid === forked[1]!.pid));
  });

  it('cancels a pending restart when asked to stop', async () => {
    const { supervisor, forked } = harness(1);
    supervisor.start();
    forked[0]!.exit(1);
    assert.deepEqual(await supervisor.stop(), { forced: 0 });
    await new Promise((resolve) => setTimeout(resolve, BACKOFF.maxMs * 2));
    assert.equal(forked.length, 1);
  });
});
