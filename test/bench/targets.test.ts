/**
 * Issue 21's targets read the median of ratios taken within pairs, say the
 * measured figure with its range, and say n/a (never pass) when what they
 * read was not measured. Synthetic results; nothing is timed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summariseGroup, type GroupResult, type RunResult } from '../../bench/lib/results.ts';
import { findCase, groupMembers, SCENARIOS } from '../../bench/lib/scenarios.ts';
import { evaluateTargets, TARGETS } from '../../bench/lib/targets.ts';

type Figures = { rps: number; cpu: number; p99?: number; rss?: number };

function run(caseId: string, round: number, f: Figures): RunResult {
  return {
    caseId,
    round,
    status: 'ok',
    rps: f.rps,
    requests: f.rps * 10,
    errors: 0,
    durationS: 10,
    p50Ms: 1,
    p90Ms: 1,
    p99Ms: f.p99 ?? 2,
    maxMs: 5,
    serverCpuMs: (f.cpu * f.rps * 10) / 1000,
    serverCpuUsPerRequest: f.cpu,
    generatorCpuMs: 100,
    generatorCpuUsPerRequest: 1,
    rssPeakMb: f.rss ?? 150,
    rssPeakProcessMb: f.rss ?? 150,
  };
}

/** A group of the real table with each member's figures per round. */
function group(id: string, rounds: Record<string, Figures>[]): GroupResult {
  const s = SCENARIOS.find((x) => x.id === id)!;
  const members = groupMembers(s);
  const runs = rounds.flatMap((figures, i) => Object.entries(figures).map(([caseId, f]) => run(caseId, i + 1, f)));
  return summariseGroup(s, members, runs, (caseId) => ({ label: caseId, server: findCase(caseId)!.server }));
}

const outcome = (groups: GroupResult[], name: RegExp) => {
  const results = evaluateTargets(new Map(groups.map((g) => [g.id, g])));
  return results[TARGETS.findIndex((t) => name.test(t.name))]!;
};

describe('bench targets', () => {
  it('passes or fails opaque issuance on the median of within-pair ratios to the ceiling', () => {
    const rounds = [
      { 'ceiling/node-http': { rps: 40_000, cpu: 25 }, 'cc-opaque/tessera': { rps: 26_000, cpu: 38 } },
      { 'ceiling/node-http': { rps: 60_000, cpu: 16 }, 'cc-opaque/tessera': { rps: 30_000, cpu: 33 } },
      { 'ceiling/node-http': { rps: 50_000, cpu: 20 }, 'cc-opaque/tessera': { rps: 31_000, cpu: 32 } },
    ];
    const result = outcome([group('cc-opaque', rounds)], /opaque client credentials/);
    assert.equal(result.verdict, 'pass');
    assert.equal(result.value, 0.62);
    assert.match(result.detail, /^0\.62× \(0\.50–0\.65\) over 3 pairs/);
    // The same medians with a slower Tessera in one pair: the median moves, not the mean.
    rounds[2]!['cc-opaque/tessera'] = { rps: 20_000, cpu: 50 };
    assert.equal(outcome([group('cc-opaque', rounds)], /opaque client credentials/).verdict, 'FAIL');
  });

  it('says n/a, never pass, when a group or a member was not measured', () => {
    const none = outcome([], /introspection ≥/);
    assert.equal(none.verdict, 'n/a');
    assert.match(none.detail, /group introspect not run/);
    const onlyCeiling = outcome([group('introspect', [{ 'ceiling/node-http': { rps: 40_000, cpu: 25 } }])], /introspection ≥/);
    assert.equal(onlyCeiling.verdict, 'n/a');
  });

  it("compares p99 with the ceiling's p99 of the same pair, and reports the worst case", () => {
    const opaque = group('cc-opaque', [{ 'ceiling/node-http': { rps: 40_000, cpu: 25, p99: 2 }, 'cc-opaque/tessera': { rps: 26_000, cpu: 38, p99: 3.5 } }]);
    const introspect = group('introspect', [{ 'ceiling/node-http': { rps: 40_000, cpu: 25, p99: 2 }, 'introspect/tessera': { rps: 32_000, cpu: 30, p99: 5 } }]);
    const result = outcome([opaque, introspect], /p99/);
    assert.equal(result.verdict, 'FAIL');
    assert.equal(result.value, 2.5);
    assert.match(result.detail, /worst introspect\/tessera: 2\.50×/);
    assert.equal(outcome([opaque], /p99/).verdict, 'n/a', 'one of the two cases missing');
  });

  it('divides JWT issuance by node:crypto signing alone', () => {
    const es = group('cc-jwt-es256', [{ 'cc-jwt-es256/node-crypto-sign': { rps: 30_000, cpu: 60 }, 'cc-jwt-es256/tessera': { rps: 21_000, cpu: 90 } }]);
    const result = outcome([es], /JWT ES256/);
    assert.equal(result.verdict, 'FAIL');
    assert.equal(result.value, 0.7);
  });

  it('judges --workers by CPU per token, not by req/s', () => {
    const g = group('cc-opaque-workers', [
      { 'cc-opaque/tessera': { rps: 26_000, cpu: 40 }, 'cc-opaque-workers/tessera': { rps: 18_000, cpu: 44 } },
      { 'cc-opaque/tessera': { rps: 30_000, cpu: 40 }, 'cc-opaque-workers/tessera': { rps: 20_000, cpu: 46 } },
      { 'cc-opaque/tessera': { rps: 28_000, cpu: 40 }, 'cc-opaque-workers/tessera': { rps: 19_000, cpu: 74 } },
    ]);
    const result = outcome([g], /--workers 2/);
    assert.equal(result.verdict, 'pass');
    assert.equal(result.value, 1.15);
  });

  it('projects two PostgreSQL instances from CPU per token, round by round', () => {
    const g = group('cc-opaque-pg-2', [
      { 'cc-opaque-pg/tessera': { rps: 9_000, cpu: 80 }, 'cc-opaque-pg-2/tessera': { rps: 9_500, cpu: 88 } },
      { 'cc-opaque-pg/tessera': { rps: 9_000, cpu: 80 }, 'cc-opaque-pg-2/tessera': { rps: 9_500, cpu: 100 } },
      { 'cc-opaque-pg/tessera': { rps: 9_000, cpu: 80 }, 'cc-opaque-pg-2/tessera': { rps: 9_500, cpu: 80 } },
    ]);
    const result = outcome([g], /two instances/);
    // 2 × 80 / 88 = 1.82 is the median of 1.82, 1.60 and 2.00.
    assert.equal(result.verdict, 'pass');
    assert.equal(result.value!.toFixed(2), '1.82');
    assert.match(result.detail, /projected 1\.82× \(1\.60–2\.00\) over 3 pairs/);
  });

  it('reads the largest single Tessera process for RSS, peers and raw bounds aside', () => {
    const g = group('password', [{ 'password/argon2-raw': { rps: 100, cpu: 17_000, rss: 260 }, 'password/tessera': { rps: 96, cpu: 17_500, rss: 172 }, 'password/oauth2-server': { rps: 97, cpu: 18_000, rss: 240 } }]);
    const rss = outcome([g], /RSS/);
    assert.equal(rss.verdict, 'pass');
    assert.match(rss.detail, /largest 172 MB \(password\/tessera\)/);
    const password = outcome([g], /password grant/);
    assert.equal(password.verdict, 'pass');
    assert.equal(password.value, 0.96);
  });
});
