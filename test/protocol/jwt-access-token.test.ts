/**
 * The one implementation of JWT access-token claims: what the minter writes
 * is what introspection and `tessera/verify` read, for client and user grants.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { accessTokenPayload, readAccessTokenClaims, REQUIRED_CLAIMS, type AccessTokenClaims } from '../../src/protocol/jwt-access-token.ts';
import { createBearerVerifier } from '../../src/verify/index.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp } from '../http/helpers.ts';
import { injectFetch } from '../verify/helpers.ts';

const CLAIMS: AccessTokenClaims = {
  issuer: 'https://auth.example.test',
  expiresAt: 1_800_000_000_000,
  audience: ['https://api.example.test'],
  subject: 'user-1',
  clientId: 'app',
  issuedAt: 1_799_999_000_000,
  jwtId: 'j1',
  tenant: 'default',
  scope: ['read', 'write'],
  accounts: ['20000'],
  username: 'alice',
};

describe('JWT access-token claims', () => {
  it('reads back exactly what it writes, in RFC 9068 §2.2 order', () => {
    const payload = accessTokenPayload(CLAIMS);
    assert.deepEqual(Object.keys(payload), ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti', 'tenant', 'scope', 'accounts', 'username']);
    assert.deepEqual(readAccessTokenClaims(JSON.parse(JSON.stringify(payload))), CLAIMS);
  });

  it('writes scope, accounts and username only when they have a value', () => {
    const payload = accessTokenPayload({ ...CLAIMS, scope: [], accounts: [], username: undefined });
    assert.equal('scope' in payload || 'accounts' in payload || 'username' in payload, false);
  });

  for (const claim of REQUIRED_CLAIMS) {
    it(`refuses a payload without the required ${claim} claim`, () => {
      const payload = accessTokenPayload(CLAIMS);
      delete payload[claim];
      assert.equal(readAccessTokenClaims(payload), undefined);
    });
  }

  it('refuses a payload whose claims have the wrong types', () => {
    assert.equal(readAccessTokenClaims({ ...accessTokenPayload(CLAIMS), exp: '1800000000' }), undefined);
    assert.equal(readAccessTokenClaims({ ...accessTokenPayload(CLAIMS), aud: [1] }), undefined);
  });
});

describe('a user-grant JWT, minted and read by every reader alike', () => {
  let t: TestTessera;
  let app: FastifyInstance;
  let jwt: string;
  let rsSecret: string;
  before(async () => {
    t = await createTestTessera();
    app = await injectableApp(t);
    await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password'], tokenFormat: 'jwt', scopes: ['read'] });
    await addUser(t, { username: 'alice', password: 'alice password' });
    rsSecret = await addClient(t, { id: 'rs' });
    const res = await app.inject({ method: 'POST', url: '/oauth/token', headers: FORM, payload: 'grant_type=password&username=alice&password=alice+password&client_id=app' });
    jwt = res.json().access_token;
  });

  it('carries the username in the token itself', () => {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    assert.equal(payload.username, 'alice');
  });

  it('names the same user in introspection and in tessera/verify', async () => {
    const introspected = (await app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: basic('rs', rsSecret) }, payload: `token=${jwt}` })).json();
    assert.equal(introspected.active, true);
    assert.equal(introspected.username, 'alice');
    const verifier = createBearerVerifier({ issuer: 'https://auth.example.test', tenant: 'default', fetch: injectFetch(app).fetch, clock: t.time.clock });
    const result = await verifier.authenticate({ headers: { authorization: `Bearer ${jwt}` } });
    assert.ok(result.ok);
    assert.equal(result.auth.username, 'alice');
    assert.equal(result.auth.subject, introspected.sub);
  });
});
