/**
 * The arithmetic of the bench's alternating pairs: the run order, medians
 * and ranges, and ratios taken only between runs of the same round. Pure
 * functions; nothing is timed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summariseGroup, type RunResult } from '../../bench/lib/results.ts';
import { alternate } from '../../bench/lib/schedule.ts';
import { formatCountSpread, formatSpread, median, ratiosWithinRounds, spread } from '../../bench/lib/stats.ts';

describe('bench run order', () => {
  it('runs every member once per round, rounds one after the other (A B A B A B)', () => {
    assert.deepEqual(
      alternate(['A', 'B'], 3).map((r) => `${r.caseId}${r.round}`),
      ['A1', 'B1', 'A2', 'B2', 'A3', 'B3'],
    );
    assert.deepEqual(
      alternate(['ceiling', 'tessera', 'peer'], 2).map((r) => `${r.caseId}${r.round}`),
      ['ceiling1', 'tessera1', 'peer1', 'ceiling2', 'tessera2', 'peer2'],
    );
  });

  it('refuses a group that lists a case twice, and a count of rounds below one', () => {
    assert.throws(() => alternate(['A', 'A'], 3), /twice/);
    assert.throws(() => alternate(['A'], 0), RangeError);
    assert.throws(() => alternate(['A'], 1.5), RangeError);
  });
});

describe('bench medians and ranges', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
  });

  it('gives median, range and count over the finite values only', () => {
    assert.deepEqual(spread([0.45, 0.8, 0.36]), { median: 0.45, min: 0.36, max: 0.8, n: 3 });
    assert.deepEqual(spread([Number.NaN, 2, Number.POSITIVE_INFINITY]), { median: 2, min: 2, max: 2, n: 1 });
    assert.equal(spread([]), undefined);
  });

  it('prints the range only when the rounds differ at the printed precision', () => {
    assert.equal(formatSpread({ median: 0.45, min: 0.36, max: 0.8, n: 3 }), '0.45× (0.36–0.80)');
    assert.equal(formatSpread({ median: 0.451, min: 0.449, max: 0.452, n: 3 }), '0.45×');
    assert.equal(formatSpread({ median: 1.5, min: 1, max: 2, n: 1 }), '1.50×');
    assert.equal(formatSpread(undefined), '–');
    assert.equal(formatCountSpread({ median: 18469.4, min: 18000, max: 31462, n: 3 }), '18,469 (18,000–31,462)');
  });
});

describe('bench ratios within pairs', () => {
  it('divides figures of the same round only, dropping rounds where either is missing or zero', () => {
    const tessera = new Map([
      [1, 20_000],
      [2, 30_000],
      [3, 25_000],
      [4, 10_000],
    ]);
    const ceiling = new Map([
      [1, 40_000],
      [2, 60_000],
      [4, 0],
      [5, 50_000],
    ]);
    assert.deepEqual(ratiosWithinRounds(tessera, ceiling), [0.5, 0.5]);
  });

  const run = (caseId: string, round: number, rps: number, cpuUs: number, p99Ms = 2): RunResult => ({
    caseId,
    round,
    status: 'ok',
    rps,
    requests: rps * 10,
    errors: 0,
    durationS: 10,
    p50Ms: 1,
    p90Ms: 1.5,
    p99Ms,
    maxMs: 9,
    serverCpuMs: (cpuUs * rps * 10) / 1000,
    serverCpuUsPerRequest: cpuUs,
    generatorCpuMs: 1000,
    generatorCpuUsPerRequest: 1000 / (rps * 10),
    rssPeakMb: 150,
    rssPeakProcessMb: 150,
  });

  it('summarises a group by the median of per-round ratios, not the ratio of medians', () => {
    // The machine is twice as fast in round 2: the per-round ratio stays 0.5 each time.
    const runs = [run('ceiling', 1, 40_000, 25), run('tessera', 1, 20_000, 50), run('ceiling', 2, 80_000, 12.5), run('tessera', 2, 40_000, 25), run('ceiling', 3, 50_000, 20), run('tessera', 3, 15_000, 60)];
    const group = summariseGroup({ id: 'g', title: 'g' }, ['ceiling', 'tessera'], runs, () => ({ label: 'x', server: 'tessera' }));
    const tessera = group.cases.find((c) => c.caseId === 'tessera')!;
    assert.deepEqual(tessera.ratios.ceiling!.rps, { median: 0.5, min: 0.3, max: 0.5, n: 3 });
    assert.deepEqual(tessera.ratios.ceiling!.cpuCost, { median: 2, min: 2, max: 3, n: 3 });
    assert.equal(tessera.rps!.median, 20_000);
    assert.equal(tessera.roundsOk, 3);
  });

  it('leaves out a failed round from the ratios and reports a case that never ran with its reason', () => {
    const failed: RunResult = { ...run('tessera', 2, 0, 0), status: 'error', note: 'server exited' };
    const runs = [run('ceiling', 1, 40_000, 25), run('tessera', 1, 20_000, 50), run('ceiling', 2, 80_000, 12.5), failed];
    const group = summariseGroup({ id: 'g', title: 'g' }, ['ceiling', 'tessera', 'peer'], [...runs, { ...failed, caseId: 'peer', status: 'n/a', note: 'not built yet' }], () => ({ label: 'x', server: 'tessera' }));
    const tessera = group.cases.find((c) => c.caseId === 'tessera')!;
    assert.deepEqual(tessera.ratios.ceiling!.rps, { median: 0.5, min: 0.5, max: 0.5, n: 1 });
    assert.equal(tessera.roundsOk, 1);
    const peer = group.cases.find((c) => c.caseId === 'peer')!;
    assert.equal(peer.status, 'n/a');
    assert.equal(peer.note, 'not built yet');
    assert.equal(tessera.ratios.peer, undefined);
  });
});
