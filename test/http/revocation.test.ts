/**
 * Revocation (RFC 7009) over HTTP, checked through introspection: what a
 * revocation kills, what it spares, and the 200 it answers for tokens it
 * does not know.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, it } from 'node:test';
import { randomToken } from '../../src/core/crypto/random.ts';
import { timeOrderedToken, tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import type { TokenRecord } from '../../src/core/model.ts';
import type { TokenStore } from '../../src/core/ports/tokens.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp, issueToken } from './helpers.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

let t: TestTessera;
let app: FastifyInstance;
let rs: string;
let svc: string;
let jwtSvc: string;
let alice: string;

beforeEach(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  rs = basic('rs', await addClient(t, { id: 'rs' }));
  svc = basic('svc', await addClient(t, { id: 'svc', scopes: ['read'] }));
  jwtSvc = basic('jwt-svc', await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt' }));
  // A user's token stands only while its user does.
  alice = (await addUser(t, { username: 'alice', password: 'alice password' })).id;
});

const revoke = (token: string, authorization: string, extra = '', url = '/oauth/revoke') =>
  app.inject({ method: 'POST', url, headers: { ...FORM, authorization }, payload: `token=${encodeURIComponent(token)}${extra}` });
const active = async (token: string) =>
  (await app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: rs }, payload: `token=${encodeURIComponent(token)}` })).json().active;

/** Stores a token of a refresh family the way the password grant (issue 3) will. */
async function familyToken(prefix: 'tat_' | 'trt_', familyId: string): Promise<string> {
  const token = timeOrderedToken(prefix, t.time.now);
  const record: TokenRecord = {
    hash: tokenStorageKey(token), kind: prefix === 'trt_' ? 'refresh' : 'access', tenantId: 'default', clientId: 'svc', subject: alice,
    scope: ['read'], accounts: [], issuedAt: t.time.now, expiresAt: t.time.now + 3600_000, revokedAt: null, familyId, username: 'alice',
  };
  await t.store.tokens.saveToken(record);
  return token;
}

describe('revocation', () => {
  it('revokes an opaque access token, answering 200 with no-store', async () => {
    const token = await issueToken(app, svc);
    assert.equal(await active(token), true);
    const res = await revoke(token, svc, '&token_type_hint=access_token');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body, '');
    assert.equal(await active(token), false);
  });

  it('answers 200 when a concurrent revocation stored the JWT marker first (SQLite refuses the second insert)', async () => {
    const sqlite = openSqliteStore({ path: ':memory:' });
    const real = sqlite.tokens;
    // The second revocation reads before the first one's marker is visible, as two processes can.
    let staleReads = 0;
    const tokens: TokenStore = {
      saveToken: (r) => real.saveToken(r),
      findToken: (h) => (staleReads-- > 0 ? Promise.resolve(undefined) : real.findToken(h)),
      revokeToken: (h, at) => real.revokeToken(h, at),
      revokeFamily: (f, at) => real.revokeFamily(f, at),
      revokeSubjectTokens: (...args) => real.revokeSubjectTokens(...args),
      purgeExpired: (...args) => real.purgeExpired(...args),
      revokeUserTokens: (...args) => real.revokeUserTokens(...args),
      consumeRefreshToken: (...args) => real.consumeRefreshToken(...args),
      refreshTokenLive: (...args) => real.refreshTokenLive(...args),
    };
    t = await createTestTessera({ store: { ...sqlite, kind: sqlite.kind, tokens } });
    app = await injectableApp(t);
    const c = basic('jwt-svc', await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt' }));
    const token = await issueToken(app, c);
    assert.equal((await revoke(token, c)).statusCode, 200);
    staleReads = 1;
    assert.equal((await revoke(token, c)).statusCode, 200);
    assert.equal(staleReads, -1, 'the stale read happened and the marker was read again');
    assert.equal((await real.findToken(tokenStorageKey(token)))?.revokedAt, t.time.now);
    await sqlite.close();
  });

  it('revokes a JWT access token, which introspection then reports inactive', async () => {
    const token = await issueToken(app, jwtSvc);
    const other = await issueToken(app, jwtSvc);
    assert.equal((await revoke(token, jwtSvc)).statusCode, 200);
    assert.equal(await active(token), false);
    assert.equal(await active(other), true);
    assert.equal((await revoke(token, jwtSvc)).statusCode, 200, 'revoking twice is harmless');
  });

  it("revokes a refresh token with its family's access tokens, and nothing of another family", async () => {
    const refresh = await familyToken('trt_', 'f1');
    const access = await familyToken('tat_', 'f1');
    const stranger = await familyToken('tat_', 'f2');
    assert.equal((await revoke(refresh, svc, '&token_type_hint=refresh_token')).statusCode, 200);
    assert.deepEqual([await active(refresh), await active(access), await active(stranger)], [false, false, true]);
  });

  it('revokes an access token of a family alone, leaving its refresh token', async () => {
    const refresh = await familyToken('trt_', 'f1');
    const access = await familyToken('tat_', 'f1');
    assert.equal((await revoke(access, svc)).statusCode, 200);
    assert.deepEqual([await active(refresh), await active(access)], [true, false]);
  });

  it('ignores a token_type_hint that names the wrong type', async () => {
    const token = await issueToken(app, svc);
    assert.equal((await revoke(token, svc, '&token_type_hint=refresh_token')).statusCode, 200);
    assert.equal(await active(token), false);
  });

  it('works under /t/<tenant>', async () => {
    await t.tenants.create({ id: 'other', issuer: 'https://other.example.test' }, { actor: 'test' });
    const c = basic('osvc', (await t.clients.create({ tenantId: 'other', id: 'osvc' }, { actor: 'test' })).clientSecret!);
    const token = await issueToken(app, c, 'grant_type=client_credentials', '/t/other/oauth/token');
    assert.equal((await revoke(token, c, '', '/t/other/oauth/revoke')).statusCode, 200);
    assert.equal((await t.store.tokens.findToken(tokenStorageKey(token)))?.revokedAt, t.time.now);
  });
});

describe('revocation of tokens it cannot or may not revoke', () => {
  it('answers 200 for tokens it does not know, as RFC 7009 §2.2 says', async () => {
    for (const token of [timeOrderedToken('tat_', t.time.now), timeOrderedToken('trt_', t.time.now), randomToken('tat_'), randomToken('trt_'), 'garbage', 'a.b.c']) {
      assert.equal((await revoke(token, svc)).statusCode, 200, token);
    }
  });
  it('answers 200 for an expired token and leaves it as it was', async () => {
    const token = await issueToken(app, svc);
    t.time.advance(3600_000);
    assert.equal((await revoke(token, svc)).statusCode, 200);
    assert.equal((await t.store.tokens.findToken(tokenStorageKey(token)))?.revokedAt, null);
  });
  it("answers 200 for another tenant's token and does not revoke it", async () => {
    await t.tenants.create({ id: 'other', issuer: 'https://other.example.test' }, { actor: 'test' });
    const secret = (await t.clients.create({ tenantId: 'other', id: 'svc' }, { actor: 'test' })).clientSecret!;
    const token = await issueToken(app, basic('svc', secret), 'grant_type=client_credentials&tenant=other');
    assert.equal((await revoke(token, svc)).statusCode, 200);
    assert.equal((await t.store.tokens.findToken(tokenStorageKey(token)))?.revokedAt, null);
  });
  it('answers a token issued to another client as it answers an unknown one: 200, revoking nothing (RFC 7009 §2.2)', async () => {
    const unknown = await revoke('tat_no-such-token', rs);
    for (const token of [await issueToken(app, svc), await issueToken(app, jwtSvc)]) {
      const res = await revoke(token, rs);
      assert.equal(res.statusCode, 200);
      assert.deepEqual([res.body, res.headers['content-type'], res.headers['cache-control']], [unknown.body, unknown.headers['content-type'], unknown.headers['cache-control']]);
      assert.equal(await active(token), true);
    }
  });
  it('requires client authentication and the token parameter', async () => {
    const anonymous = await app.inject({ method: 'POST', url: '/oauth/revoke', headers: FORM, payload: 'token=x' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error, 'invalid_client');
    const missing = await app.inject({ method: 'POST', url: '/oauth/revoke', headers: { ...FORM, authorization: svc }, payload: '' });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error_description, 'Missing required parameter: token');
  });
  it('answers other methods with 405', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/oauth/revoke' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
  });
});
