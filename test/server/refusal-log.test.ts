import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { RefusalLog } from '../../src/server/refusal-log.ts';

describe('the refusal log', () => {
  it('writes one line per interval with the counts per reason, and nothing while nothing is refused', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const lines: unknown[] = [];
      const log = new RefusalLog({ intervalMs: 10_000, write: (fields) => lines.push(fields) });
      for (let i = 0; i < 1645; i++) log.count('argon2-queue');
      log.count('login');
      mock.timers.tick(9_999);
      assert.equal(lines.length, 0, 'not before the interval ends');
      mock.timers.tick(1);
      assert.deepEqual(lines, [{ refused: { 'argon2-queue': 1645, login: 1 }, seconds: 10 }]);
      mock.timers.tick(60_000);
      assert.equal(lines.length, 1, 'a quiet interval writes nothing');
      log.count('token');
      log.flush();
      assert.deepEqual(lines[1], { refused: { token: 1 }, seconds: 10 }, 'flushed at shutdown');
    } finally {
      mock.timers.reset();
    }
  });
});
