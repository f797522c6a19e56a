/**
 * The benchmark is never run by `npm test` (its figures depend on the
 * machine); this only checks that its scenario table and targets are
 * well-formed, so a scenario added for a new feature cannot silently
 * break the comparisons.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allCases, CEILING_CASE_ID, findCase, groupMembers, SCENARIOS, selectScenarios, useBaseBuild, validateScenarios } from '../../bench/lib/scenarios.ts';
import { TARGETS } from '../../bench/lib/targets.ts';

describe('bench scenario table', () => {
  it('is well-formed: unique kebab-case ids, variants for Tessera cases, known baselines, a ceiling', () => {
    assert.deepEqual(validateScenarios(), []);
  });

  it('reports problems in a malformed table', () => {
    const broken = [
      { id: 'Bad Id', title: '', cases: [], baselines: ['nowhere/none'] },
      {
        id: 'pg-seeded',
        title: '',
        cases: [
          { id: 'pg-seeded/tessera', scenario: 'pg-seeded', server: 'tessera' as const, label: '', tessera: { format: 'opaque' as const, store: 'postgres' as const, seedTokens: 10 } },
          { id: 'pg-seeded/two', scenario: 'pg-seeded', server: 'tessera' as const, label: '', tessera: { format: 'opaque' as const, instances: 2 } },
          { id: 'pg-seeded/sign', scenario: 'pg-seeded', server: 'sign-raw' as const, label: '' },
        ],
      },
    ];
    const problems = validateScenarios(broken);
    assert.ok(problems.some((p) => p.includes('kebab-case')));
    assert.ok(problems.some((p) => p.includes('no case')));
    assert.ok(problems.some((p) => p.includes("unknown baseline 'nowhere/none'")));
    assert.ok(problems.some((p) => p.includes('ceiling')));
    assert.ok(problems.some((p) => p.includes('only the SQLite store')));
    assert.ok(problems.some((p) => p.includes('several instances on SQLite')));
    assert.ok(problems.some((p) => p.includes('names no algorithm')));
  });

  it('names only groups that exist and cases of those groups in its targets', () => {
    for (const target of TARGETS) {
      for (const g of target.groups) assert.ok(SCENARIOS.some((s) => s.id === g), `${target.name} reads unknown group ${g}`);
    }
  });

  it('runs every Tessera case in one group with what it is judged against', () => {
    for (const s of SCENARIOS) {
      const members = groupMembers(s);
      for (const id of members) assert.ok(findCase(id), `${s.id} runs unknown case ${id}`);
      for (const c of s.cases) assert.ok(members.includes(c.id));
      for (const b of s.baselines ?? []) assert.ok(members.includes(b));
      if (s.ceiling !== false && s.id !== 'ceiling') assert.equal(members[0], CEILING_CASE_ID, `${s.id} starts each round with the ceiling`);
    }
    assert.deepEqual(groupMembers(SCENARIOS.find((s) => s.id === 'cc-jwt-es256')!), ['cc-jwt-es256/node-crypto-sign', 'cc-jwt-es256/tessera', 'cc-jwt-es256/oidc-provider']);
  });

  it('leaves out the peers on request, keeping bounds and baselines', () => {
    const opaque = SCENARIOS.find((s) => s.id === 'cc-opaque')!;
    assert.deepEqual(groupMembers(opaque, { skipPeers: true }), [CEILING_CASE_ID, 'cc-opaque/tessera']);
    const password = SCENARIOS.find((s) => s.id === 'password')!;
    assert.deepEqual(groupMembers(password, { skipPeers: true }), ['password/argon2-raw', 'password/tessera']);
  });

  it('selects scenarios by exact id, or by a part of a scenario or case id', () => {
    assert.deepEqual(selectScenarios('cc-opaque').map((s) => s.id), ['cc-opaque']);
    assert.deepEqual(selectScenarios('pg').map((s) => s.id), ['cc-opaque-pg', 'cc-opaque-pg-2', 'cc-jwt-es256-pg', 'introspect-pg']);
    assert.deepEqual(selectScenarios('node-crypto-sign').map((s) => s.id), ['cc-jwt-es256', 'cc-jwt-rs256', 'cc-jwt-eddsa']);
    assert.equal(selectScenarios(undefined).length, SCENARIOS.length);
    assert.equal(selectScenarios(' , ').length, SCENARIOS.length);
  });

  it("gives each new feature's hot path a case that waits for its serve flag", () => {
    for (const id of ['cc-opaque-metrics/tessera', 'cc-opaque-rate-limit/tessera']) {
      const c = findCase(id)!;
      assert.ok(c.tessera?.serveArgs?.length, id);
      assert.ok(c.needs?.some((n) => n.startsWith('serve-flag:--')), id);
    }
    assert.ok(allCases().filter((c) => c.server === 'sign-raw').length === 3);
  });

  it('with a base build, runs a twin of each Tessera case from that checkout right after it, in the same group', () => {
    const before = SCENARIOS;
    useBaseBuild('/elsewhere/tessera', 'abc1234');
    try {
      assert.deepEqual(validateScenarios(), []);
      // A group's baselines from other groups run from this build only; its own cases run from both.
      assert.deepEqual(groupMembers(SCENARIOS.find((s) => s.id === 'cc-opaque-pg')!), ['cc-opaque/tessera', 'cc-opaque-pg/tessera', 'cc-opaque-pg/tessera@base']);
      const twin = findCase('cc-opaque/tessera@base')!;
      assert.equal(twin.tessera?.root, '/elsewhere/tessera');
      assert.equal(twin.label, 'Tessera (SQLite) @ abc1234');
      assert.equal(findCase('cc-opaque/tessera')!.tessera?.root, undefined, 'this build serves the original');
      assert.equal(findCase('ceiling/node-http@base'), undefined, 'only Tessera has a base build');
    } finally {
      assert.equal(before.length, SCENARIOS.length);
    }
  });
});
