import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerError } from '../../src/verify/bearer-error.ts';
import { bearerChallenge } from '../../src/protocol/bearer-challenge.ts';

describe('WWW-Authenticate challenge', () => {
  const cases: [string, Parameters<typeof bearerChallenge>[0], string][] = [
    ['is the bare scheme without attributes', {}, 'Bearer'],
    ['quotes the realm', { realm: 'accounts api' }, 'Bearer realm="accounts api"'],
    ['escapes quotes and backslashes in the realm', { realm: 'my "api" \\ v2' }, 'Bearer realm="my \\"api\\" \\\\ v2"'],
    ['drops CR and LF so no header can be injected', { realm: 'api\r\nSet-Cookie: x=1' }, 'Bearer realm="api??Set-Cookie: x=1"'],
    ['replaces non-ASCII characters', { realm: 'café' }, 'Bearer realm="caf?"'],
    [
      'orders realm, scope, error, error_description',
      { error_description: 'The access token expired', error: 'invalid_token', scope: 'read write', realm: 'api' },
      'Bearer realm="api", scope="read write", error="invalid_token", error_description="The access token expired"',
    ],
    ['replaces quotes and backslashes in error_description, which RFC 6750 forbids there', { error: 'invalid_token', error_description: 'bad "x" \\ y' }, 'Bearer error="invalid_token", error_description="bad ?x? ? y"'],
  ];
  for (const [name, params, expected] of cases) it(name, () => assert.equal(bearerChallenge(params), expected));
});

describe('BearerError responses', () => {
  it('answers missing credentials with 401 and a challenge without an error code', () => {
    const r = new BearerError(undefined, 'An access token is required').response('api');
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="api"');
    assert.deepEqual(r.body, { error_description: 'An access token is required' });
    assert.equal(r.headers['cache-control'], 'no-store');
  });
  const statuses: [ConstructorParameters<typeof BearerError>[0], number][] = [
    ['invalid_request', 400], ['invalid_token', 401], ['insufficient_scope', 403], ['temporarily_unavailable', 503],
  ];
  for (const [code, status] of statuses) {
    it(`answers ${code} with ${status}`, () => assert.equal(new BearerError(code, 'x').response().status, status));
  }
  it('names the needed scope for insufficient_scope', () => {
    const r = new BearerError('insufficient_scope', 'The access token lacks the scope: write', { scope: ['read', 'write'] }).response();
    assert.equal(r.headers['www-authenticate'], 'Bearer scope="read write", error="insufficient_scope", error_description="The access token lacks the scope: write"');
  });
  it('answers an unreachable issuer with 503 and Retry-After, not a challenge the client would act on', () => {
    const r = new BearerError('temporarily_unavailable', 'retry later').response('api');
    assert.equal(r.headers['www-authenticate'], undefined);
    assert.equal(r.headers['retry-after'], '5');
  });
});
