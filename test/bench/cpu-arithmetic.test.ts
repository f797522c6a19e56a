/** CPU time read from /proc and the per-request arithmetic of the bench. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { coresBusy, cpuUsPerRequest, parseProcStat, projectedScaling } from '../../bench/lib/cpu.ts';

// Fields 1–17 of proc(5); utime=1234, stime=567, cutime=89, cstime=10.
const tail = 'S 1 100 100 0 -1 4194560 5000 0 0 0 1234 567 89 10 20 0 1 0 300 1000000 500 18446744073709551615';

describe('bench CPU arithmetic', () => {
  it('reads user, system and waited-for children times from a /proc/<pid>/stat line', () => {
    assert.deepEqual(parseProcStat(`4242 (wrk) ${tail}`), { utime: 1234, stime: 567, cutime: 89, cstime: 10 });
  });

  it('counts fields from the last parenthesis, whatever the command name holds', () => {
    assert.deepEqual(parseProcStat(`4242 (node (worker) 2) ${tail}`), { utime: 1234, stime: 567, cutime: 89, cstime: 10 });
  });

  it("reads this process's own line", () => {
    const times = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    for (const v of Object.values(times)) assert.ok(Number.isInteger(v) && v >= 0);
  });

  it('refuses a line that is not a stat line', () => {
    assert.throws(() => parseProcStat('no parenthesis here'), /not a \/proc/);
    assert.throws(() => parseProcStat('1 (x) S 1'), /not a number/);
  });

  it('divides CPU milliseconds by the requests served in the same window, in microseconds', () => {
    assert.equal(cpuUsPerRequest(4_000, 100_000), 40);
    assert.ok(Number.isNaN(cpuUsPerRequest(10, 0)));
    assert.equal(coresBusy(2_500, 10), 0.25);
  });

  it('projects several instances from CPU per request alone', () => {
    // Each instance pays 10% more per token when two share the database: 2 × 40 ÷ 44.
    assert.equal(projectedScaling(2, 40, 44).toFixed(3), '1.818');
    assert.equal(projectedScaling(2, 40, 40), 2);
    assert.ok(Number.isNaN(projectedScaling(2, 0, 40)));
  });
});
