/**
 * The protocol core driven directly, without HTTP: a plain TokenRequest in,
 * a TokenResult or an OAuthError out.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ClientCredentials } from '../../src/core/client-auth/credentials.ts';
import { OAuthError, type OAuthErrorCode } from '../../src/core/errors.ts';
import type { TokenRequest } from '../../src/core/token-request.ts';
import { addClient, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';

let t: TestTessera;
let secret: string;

before(async () => {
  t = await createTestTessera();
  secret = await addClient(t, { id: 'svc', scopes: ['read', 'write'], accounts: ['20000'] });
});

function request(params: Record<string, string>, credentials?: Partial<ClientCredentials>, tenant?: string): TokenRequest {
  return {
    params,
    credentials: credentials && { method: 'client_secret_basic', clientId: 'svc', clientSecret: secret, ...credentials },
    tenantHint: { parameter: tenant, host: undefined, parameterRequired: false },
    remoteAddress: '127.0.0.1',
  };
}

describe('token endpoint core', () => {
  it('issues a token whose expiry follows the frozen clock', async () => {
    const result = await t.tessera.services.tokenEndpoint(request({ grant_type: 'client_credentials', scope: 'read' }, {}));
    assert.equal(result.issuedAt, t.time.now);
    assert.equal(result.expiresAt, t.time.now + 3600_000);
    assert.equal(result.expiresIn, 3600);
    assert.equal(result.scope, undefined);
    assert.equal(result.subject, 'svc');
    assert.equal(result.tenant.id, 'default');
  });

  const refusals: { name: string; req: () => TokenRequest; code: OAuthErrorCode; description: string }[] = [
    { name: 'no grant_type', req: () => request({}, {}), code: 'invalid_request', description: 'Missing required parameter: grant_type' },
    { name: 'an unsupported grant_type, before authenticating', req: () => request({ grant_type: 'implicit' }), code: 'unsupported_grant_type', description: 'Unsupported grant_type: implicit' },
    { name: 'no client credentials', req: () => request({ grant_type: 'client_credentials' }), code: 'invalid_client', description: 'Client authentication is required' },
    { name: 'a confidential client presenting no secret, as an unknown one would be', req: () => request({ grant_type: 'client_credentials' }, { method: 'none', clientSecret: undefined }), code: 'invalid_client', description: 'Client authentication failed' },
    { name: 'a wrong secret', req: () => request({ grant_type: 'client_credentials' }, { clientSecret: 'nope-nope' }), code: 'invalid_client', description: 'Client authentication failed' },
    { name: 'a scope beyond the client', req: () => request({ grant_type: 'client_credentials', scope: 'delete' }, {}), code: 'invalid_scope', description: 'The client may not request scope: delete' },
    { name: 'an unknown tenant', req: () => request({ grant_type: 'client_credentials' }, {}, 'elsewhere'), code: 'invalid_request', description: 'Unknown tenant' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name} with ${r.code}`, async () => {
      await assert.rejects(t.tessera.services.tokenEndpoint(r.req()), (e: unknown) => {
        assert.ok(e instanceof OAuthError);
        assert.equal(e.code, r.code);
        assert.equal(e.description, r.description);
        return true;
      });
    });
  }

  it('escapes client input echoed in a description to printable ASCII', async () => {
    await assert.rejects(t.tessera.services.tokenEndpoint(request({ grant_type: 'x"\\\u0000y' })), (e: unknown) => {
      assert.equal((e as OAuthError).description, 'Unsupported grant_type: x???y');
      return true;
    });
  });
});
