import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from '../../src/core/errors.ts';
import { grantScope, mustReturnScope, parseScope } from '../../src/core/scope.ts';

describe('scope', () => {
  it('parses space-delimited scope tokens, dropping repeats and extra spaces', () => {
    assert.deepEqual(parseScope('read  write read'), ['read', 'write']);
    assert.equal(parseScope(undefined), undefined);
  });
  it('refuses characters outside the RFC 6749 §3.3 scope-token set', () => {
    for (const bad of ['a"b', 'a\\b', 'ümlaut', 'tab\there']) {
      assert.throws(() => parseScope(bad), (e: unknown) => e instanceof OAuthError && e.code === 'invalid_scope', bad);
    }
  });
  it('grants the requested scope only within what the client may have', () => {
    assert.deepEqual(grantScope(['read'], ['read', 'write']), ['read']);
    assert.throws(() => grantScope(['admin'], ['read']), /may not request scope: admin/);
  });
  it("grants the client's whole scope when none is requested", () => {
    assert.deepEqual(grantScope(undefined, ['read', 'write']), ['read', 'write']);
  });
  it('names the granted scope in the response only when it differs from the request', () => {
    assert.equal(mustReturnScope(['read'], ['read']), false);
    assert.equal(mustReturnScope(undefined, ['read']), true);
    assert.equal(mustReturnScope(undefined, []), false);
    assert.equal(mustReturnScope(['read', 'write'], ['read']), true);
  });
});
