/**
 * The benchmark is never run by `npm test` (its figures depend on the
 * machine); this only checks that its scenario table and targets are
 * well-formed, so a scenario added for a new feature cannot silently
 * break the comparisons.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allCases, CEILING_CASE_ID, comparisonsFor, FASTIFY_CEILING_CASE_ID, findCase, SCENARIOS, selectCases, validateScenarios } from '../../bench/lib/scenarios.ts';
import { TARGETS } from '../../bench/lib/targets.ts';

describe('bench scenario table', () => {
  it('is well-formed: unique kebab-case ids, variants for Tessera cases, known baselines, a ceiling', () => {
    assert.deepEqual(validateScenarios(), []);
  });

  it('reports problems in a malformed table', () => {
    const broken = [{ id: 'Bad Id', title: '', cases: [], baselines: ['nowhere/none'] }];
    const problems = validateScenarios(broken);
    assert.ok(problems.some((p) => p.includes('kebab-case')));
    assert.ok(problems.some((p) => p.includes('no case')));
    assert.ok(problems.some((p) => p.includes("unknown baseline 'nowhere/none'")));
    assert.ok(problems.some((p) => p.includes('ceiling')));
  });

  it('names only existing cases in its targets', () => {
    for (const target of TARGETS) for (const id of target.caseIds) assert.ok(findCase(id), `${target.name} reads unknown case ${id}`);
  });

  it('compares every Tessera case with the ceiling and with its scenario peers', () => {
    for (const c of allCases().filter((x) => x.server === 'tessera')) {
      const compared = comparisonsFor(c);
      assert.ok(compared.includes(CEILING_CASE_ID), c.id);
      const scenario = SCENARIOS.find((s) => s.id === c.scenario)!;
      for (const peer of scenario.cases.filter((x) => x.server !== 'tessera' && x.server !== 'argon2-raw')) assert.ok(compared.includes(peer.id), `${c.id} vs ${peer.id}`);
    }
  });

  it('keeps the ceiling and the baselines a filter needs', () => {
    const picked = selectCases('cc-opaque-1m').map((c) => c.id);
    assert.deepEqual(picked.sort(), [CEILING_CASE_ID, FASTIFY_CEILING_CASE_ID, 'cc-opaque-1m/tessera', 'cc-opaque/tessera'].sort());
    assert.equal(selectCases(undefined).length, allCases().length);
  });
});
