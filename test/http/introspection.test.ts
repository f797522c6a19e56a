/**
 * Introspection (RFC 7662) over HTTP with tokens issued by the same running
 * Tessera: what an active token tells, and that every inactive token reads
 * the same, whatever made it inactive.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, it } from 'node:test';
import { randomToken } from '../../src/core/crypto/random.ts';
import { timeOrderedToken, tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp, issueToken } from './helpers.ts';
import { AUDITED } from '../../src/store/contract.ts';

let t: TestTessera;
let app: FastifyInstance;
let rs: string;
let svc: string;
let jwtSvc: string;
let otherSvc: string;

beforeEach(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  rs = basic('rs', await addClient(t, { id: 'rs' }));
  svc = basic('svc', await addClient(t, { id: 'svc', scopes: ['read', 'write'], accounts: ['20000', '20001'] }));
  jwtSvc = basic('jwt-svc', await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt', scopes: ['read'], accounts: ['20000'], audience: 'https://api.example.test' }));
  await t.tenants.create({ id: 'other', issuer: 'https://other.example.test' }, { actor: 'test' });
  otherSvc = basic('svc', (await t.clients.create({ tenantId: 'other', id: 'svc', tokenFormat: 'jwt', scopes: ['read'] }, { actor: 'test' })).clientSecret!);
});

const introspect = (token: string, authorization = rs, url = '/oauth/introspect', extra = '') =>
  app.inject({ method: 'POST', url, headers: { ...FORM, authorization }, payload: `token=${encodeURIComponent(token)}${extra}` });

const iat = Date.UTC(2026, 0, 1, 12) / 1000;

describe('introspection of active tokens', () => {
  it('describes an opaque access token with its scope, client, subject, times, accounts and tenant', async () => {
    const token = await issueToken(app, svc);
    const res = await introspect(token);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(res.json(), {
      active: true, scope: 'read write', client_id: 'svc', token_type: 'Bearer', exp: iat + 3600, iat, sub: 'svc',
      iss: 'https://auth.example.test', accounts: ['20000', '20001'], tenant: 'default',
    });
  });

  it('describes a JWT access token, adding its audience and jti', async () => {
    const token = await issueToken(app, jwtSvc);
    const body = (await introspect(token)).json();
    assert.equal(body.active, true);
    assert.equal(body.aud, 'https://api.example.test');
    assert.match(body.jti, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual([body.client_id, body.scope, body.accounts, body.tenant, body.exp - body.iat], ['jwt-svc', 'read', ['20000'], 'default', 3600]);
  });

  it('describes a refresh token with its user, without an access token type', async () => {
    const token = timeOrderedToken('trt_', t.time.now);
    // A user's token stands only while its user does.
    const { id: userId } = await addUser(t, { username: 'alice', password: 'alice password' });
    await t.store.tokens.saveToken({
      hash: tokenStorageKey(token), kind: 'refresh', tenantId: 'default', clientId: 'svc', subject: userId, scope: ['read'], accounts: [],
      issuedAt: t.time.now, expiresAt: t.time.now + 86400_000, revokedAt: null, familyId: 'f1', username: 'alice',
    });
    const body = (await introspect(token)).json();
    assert.deepEqual(body, {
      active: true, scope: 'read', client_id: 'svc', username: 'alice', exp: iat + 86400, iat, sub: userId,
      iss: 'https://auth.example.test', accounts: [], tenant: 'default',
    });
  });

  it('introspects in the tenant a /t/<tenant> path names', async () => {
    const rsOther = basic('rs', (await t.clients.create({ tenantId: 'other', id: 'rs' }, { actor: 'test' })).clientSecret!);
    const token = await issueToken(app, otherSvc, 'grant_type=client_credentials', '/t/other/oauth/token');
    const res = await introspect(token, rsOther, '/t/other/oauth/introspect');
    assert.equal(res.json().active, true, res.body);
    assert.equal(res.json().tenant, 'other');
  });
});

describe('introspection of inactive tokens tells nothing but active: false', () => {
  const cases: { name: string; token: () => Promise<string> }[] = [
    { name: 'an unknown opaque token', token: async () => timeOrderedToken('tat_', t.time.now) },
    { name: 'an unknown opaque token of the earlier format', token: async () => randomToken('tat_') },
    { name: 'an issued opaque token with its time changed', token: async () => { const tok = await issueToken(app, svc); return tok.slice(0, 4) + '000000000000' + tok.slice(16); } },
    { name: 'an arbitrary string', token: async () => 'not a token at all' },
    { name: 'a string shaped like a JWT', token: async () => 'eyJhbGciOiJub25lIn0.e30.c2ln' },
    { name: 'an expired opaque token', token: async () => { const tok = await issueToken(app, svc); t.time.advance(3600_000); return tok; } },
    { name: 'an expired JWT', token: async () => { const tok = await issueToken(app, jwtSvc); t.time.advance(3600_000); return tok; } },
    { name: 'a revoked opaque token', token: async () => { const tok = await issueToken(app, svc); await t.store.tokens.revokeToken(tokenStorageKey(tok), t.time.now); return tok; } },
    { name: "another tenant's opaque token", token: async () => issueToken(app, basic('osvc', (await t.clients.create({ tenantId: 'other', id: 'osvc' }, { actor: 'test' })).clientSecret!), 'grant_type=client_credentials&tenant=other') },
    { name: "another tenant's JWT", token: async () => issueToken(app, otherSvc, 'grant_type=client_credentials&tenant=other') },
    { name: 'a JWT whose signature was tampered with', token: async () => { const tok = await issueToken(app, jwtSvc); return `${tok.slice(0, -4)}AAAA`; } },
    { name: 'a token of a client since deleted', token: async () => { const tok = await issueToken(app, svc); await t.clients.delete('default', 'svc', { actor: 'test' }); return tok; } },
    { name: 'a token of a client since disabled', token: async () => {
      const tok = await issueToken(app, svc);
      await t.store.clients.updateClient({ ...(await t.store.clients.getClient('default', 'svc'))!, enabled: false }, AUDITED);
      return tok;
    } },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with exactly {"active":false}`, async () => {
      const res = await introspect(await c.token());
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, '{"active":false}');
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  }
});

describe('introspection requests that are refused', () => {
  it('requires client authentication', async () => {
    const res = await app.inject({ method: 'POST', url: '/oauth/introspect', headers: FORM, payload: 'token=x' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_client');
  });
  it('refuses a public client, by client_id or as the default public client, with 401 invalid_client, over a real socket', async () => {
    await addClient(t, { id: 'spa', clientType: 'public', grantTypes: ['password'] });
    await t.tenants.update('default', { loginPolicy: { defaultPublicClient: 'spa' } }, { actor: 'test' });
    const token = await issueToken(app, svc);
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const body of [`token=${token}&client_id=spa`, `token=${token}`]) {
        const res = await fetch(`${origin}/oauth/introspect`, { method: 'POST', headers: FORM, body });
        assert.equal(res.status, 401, body);
        const answer = (await res.json()) as { error: string; active?: boolean };
        assert.equal(answer.error, 'invalid_client');
        assert.equal(answer.active, undefined, 'nothing about the token');
        assert.match(String(res.headers.get('www-authenticate')), /^Basic /);
      }
      // A confidential client still introspects.
      const ok = await fetch(`${origin}/oauth/introspect`, { method: 'POST', headers: { ...FORM, authorization: rs }, body: `token=${token}` });
      assert.equal(((await ok.json()) as { active: boolean }).active, true);
    } finally {
      await app.close();
    }
  });
  it('refuses a wrong client secret', async () => {
    const res = await introspect('x', basic('rs', 'wrong-secret'));
    assert.equal(res.statusCode, 401);
  });
  it('requires the token parameter', async () => {
    const res = await app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: rs }, payload: 'token_type_hint=access_token' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'invalid_request', error_description: 'Missing required parameter: token' });
  });
  it('refuses a repeated token parameter', async () => {
    const res = await introspect('a', rs, '/oauth/introspect', '&token=b');
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error_description, /more than once/);
  });
  it('refuses the token in the query string', async () => {
    const res = await app.inject({ method: 'POST', url: '/oauth/introspect?token=abc', headers: { ...FORM, authorization: rs }, payload: '' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error_description, /query string/);
  });
  it('answers GET with 405 and Allow: POST', async () => {
    const res = await app.inject({ method: 'GET', url: '/oauth/introspect' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
  });
  it('refuses a tenant parameter that contradicts the path', async () => {
    const res = await introspect('x', rs, '/t/other/oauth/introspect', '&tenant=default');
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error_description, /does not match the tenant in the path/);
  });
  it('refuses a client of another tenant', async () => {
    const res = await introspect('x', rs, '/t/other/oauth/introspect');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error_description, 'Client authentication failed');
  });
});
