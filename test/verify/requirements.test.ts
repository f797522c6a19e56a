import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerError } from '../../src/verify/bearer-error.ts';
import type { Principal } from '../../src/verify/principal.ts';
import { requireScopes, selectAccounts } from '../../src/verify/requirements.ts';

const principal: Principal = {
  tokenFormat: 'jwt', clientId: 'svc', subject: 'svc', username: undefined, scope: ['read', 'write'], accounts: ['20000', '20001'],
  tenant: 'default', issuer: 'https://auth.test', expiresAt: 0, claims: {},
};

describe('required scopes', () => {
  it('passes when every scope is granted', () => assert.equal(requireScopes(principal, ['read', 'write']), undefined));
  it('refuses with insufficient_scope naming the scope the resource needs', () => {
    const error = requireScopes(principal, ['read', 'admin'])!;
    assert.equal(error.code, 'insufficient_scope');
    assert.equal(error.status, 403);
    assert.deepEqual(error.scope, ['read', 'admin']);
    assert.match(error.description, /admin/);
  });
});

describe("seed 000's account filter", () => {
  const allowed: [string, Parameters<typeof selectAccounts>[1], string[]][] = [
    ['no filter: every account the token carries', undefined, ['20000', '20001']],
    ['an empty filter: the same', '', ['20000', '20001']],
    ['one granted account', '20001', ['20001']],
    ['several granted accounts, deduplicated in the order asked', '20001,20000,20001', ['20001', '20000']],
    ['repeated parameters adding up', ['20000', '20001'], ['20000', '20001']],
    ['spaces around commas', '20000, 20001', ['20000', '20001']],
  ];
  for (const [name, filter, expected] of allowed) it(`allows ${name}`, () => assert.deepEqual(selectAccounts(principal, filter), expected));

  const refused: [string, string, BearerError['code']][] = [
    ['an account the token does not carry', '20000,20002', 'insufficient_scope'],
    ['a malformed account number', '20000;drop', 'invalid_request'],
    ['an absurdly long list', Array.from({ length: 2001 }, (_, i) => `${i}`).join(','), 'invalid_request'],
  ];
  for (const [name, filter, code] of refused) {
    it(`refuses ${name} with ${code}`, () => {
      const result = selectAccounts(principal, filter);
      assert.ok(result instanceof BearerError);
      assert.equal(result.code, code);
    });
  }
});
