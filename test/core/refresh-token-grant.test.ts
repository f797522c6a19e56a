/**
 * The refresh token grant (RFC 6749 §6): rotation on every use, family
 * revocation on reuse, the retry grace period, scope narrowing and every
 * kind of unusable refresh token.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { findLiveToken } from '../helpers/live-token.ts';
import type { TokenResult } from '../../src/core/token-endpoint.ts';
import { addClient, addUser, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { isRevoked, login, publicClient, record, refresh, refusal } from '../helpers/user-grants.ts';
import { AUDITED } from '../../src/store/contract.ts';

const SECOND = 1000;
const mobile = publicClient('mobile');
let t: TestTessera;
let first: TokenResult;

beforeEach(async () => {
  t = await createTestTessera();
  await t.tenants.update('default', { loginPolicy: { refreshTokenLifetime: 3600, refreshTokenReuseGrace: 10 } }, { actor: 'test' });
  await addClient(t, { id: 'mobile', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read', 'write'], accessTokenLifetime: 300 });
  await addClient(t, { id: 'other', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read', 'write'] });
  await addUser(t, { username: 'alice', password: 'right password', role: 'Reader' });
  first = await login(t, 'alice', 'right password', mobile);
});

const live = async (token: string, kind: 'access' | 'refresh' = 'access') => (await findLiveToken(t.store.tokens, token, kind, t.time.now)) !== undefined;

describe('refresh token rotation', () => {
  it('issues a new access token and a new refresh token in the same family, consuming the old one', async () => {
    t.time.advance(60 * SECOND);
    const second = await refresh(t, first.refreshToken!, mobile);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.deepEqual(second.user, first.user);
    assert.equal(second.expiresIn, 300);
    const [a, b] = [await record(t, first.refreshToken!), await record(t, second.refreshToken!)];
    assert.equal(a.familyId, b.familyId);
    assert.equal(a.revokedAt, t.time.now, 'the used token is spent');
    assert.equal(b.expiresAt, a.expiresAt, 'rotation hands on the expiry of the login');
    assert.equal(await live(second.accessToken), true);
    assert.equal(await live(first.accessToken), true, 'earlier access tokens live out their lifetime');
  });

  it('revokes the whole family when a used refresh token comes back after the grace period', async () => {
    const second = await refresh(t, first.refreshToken!, mobile);
    const third = await refresh(t, second.refreshToken!, mobile);
    t.time.advance(11 * SECOND);
    const reuse = await refusal(refresh(t, first.refreshToken!, mobile));
    assert.deepEqual([reuse.code, reuse.description], ['invalid_grant', 'The refresh token is invalid, expired or revoked']);
    assert.match(String(reuse.detail), /REUSE of a refresh token/);
    for (const token of [first.accessToken, second.accessToken, third.accessToken, third.refreshToken!]) {
      assert.equal(await isRevoked(t, token), true, 'every token descended from the login is revoked');
    }
    assert.equal((await refusal(refresh(t, third.refreshToken!, mobile))).code, 'invalid_grant');
  });

  it('lets a client retry within the grace period, revoking the tokens it never received', async () => {
    const lost = await refresh(t, first.refreshToken!, mobile);
    t.time.advance(10 * SECOND);
    const retried = await refresh(t, first.refreshToken!, mobile);
    assert.equal(await isRevoked(t, lost.refreshToken!), true);
    assert.equal(await isRevoked(t, lost.accessToken), true);
    assert.equal(await live(retried.refreshToken!, 'refresh'), true);
    assert.equal((await record(t, retried.refreshToken!)).familyId, (await record(t, first.refreshToken!)).familyId);
    // The thief's copy of the lost token is now useless, and presenting it kills the retried session as well.
    await refusal(refresh(t, lost.refreshToken!, mobile));
    assert.equal(await isRevoked(t, retried.refreshToken!), true);
  });

  it('treats a grace of 0 as none: a replay in the same millisecond revokes the family', async () => {
    await t.tenants.update('default', { loginPolicy: { refreshTokenReuseGrace: 0 } }, { actor: 'test' });
    const second = await refresh(t, first.refreshToken!, mobile);
    const reuse = await refusal(refresh(t, first.refreshToken!, mobile));
    assert.match(String(reuse.detail), /REUSE of a refresh token/);
    assert.equal(await isRevoked(t, second.refreshToken!), true);
  });

  it('refuses a retry within the grace period once the family was revoked', async () => {
    const second = await refresh(t, first.refreshToken!, mobile);
    await t.store.tokens.revokeFamily((await record(t, second.refreshToken!)).familyId!, t.time.now);
    const error = await refusal(refresh(t, first.refreshToken!, mobile));
    assert.match(String(error.detail), /grace period, but the family is revoked/);
  });

  it('narrows the scope of the access token on request, never the grant the refresh token carries', async () => {
    const narrowed = await refresh(t, first.refreshToken!, mobile, { scope: 'read' });
    assert.deepEqual(narrowed.scope, undefined, 'granted as requested, so not repeated');
    assert.deepEqual((await record(t, narrowed.accessToken)).scope, ['read']);
    assert.deepEqual((await record(t, narrowed.refreshToken!)).scope, ['read', 'write']);
    const full = await refresh(t, narrowed.refreshToken!, mobile);
    assert.deepEqual(full.scope, ['read', 'write'], 'no scope requested: the original grant, named in the response');
  });

  it('refuses to widen the scope, and leaves the refresh token usable', async () => {
    const narrow = await login(t, 'alice', 'right password', mobile, { scope: 'read' });
    const error = await refusal(refresh(t, narrow.refreshToken!, mobile, { scope: 'read write' }));
    assert.deepEqual([error.code, error.description], ['invalid_scope', 'The refresh token does not grant scope: write']);
    assert.equal(await live(narrow.refreshToken!, 'refresh'), true);
    await refresh(t, narrow.refreshToken!, mobile);
  });

  it('does not hand out scopes the client has lost since the login', async () => {
    const client = (await t.store.clients.getClient('default', 'mobile'))!;
    await t.store.clients.updateClient({ ...client, scopes: ['read'] }, AUDITED);
    const result = await refresh(t, first.refreshToken!, mobile);
    assert.deepEqual((await record(t, result.accessToken)).scope, ['read']);
  });
});

describe('unusable refresh tokens', () => {
  const cases: { name: string; present: () => Promise<unknown>; detail: RegExp }[] = [
    { name: 'a refresh token of another client', present: () => refresh(t, first.refreshToken!, publicClient('other')), detail: /presented by client other/ },
    {
      name: 'an expired refresh token',
      present: () => {
        t.time.advance(3600 * SECOND);
        return refresh(t, first.refreshToken!, mobile);
      },
      detail: /expired/,
    },
    {
      name: 'a revoked refresh token',
      present: async () => {
        await t.store.tokens.revokeToken((await record(t, first.refreshToken!)).hash, t.time.now);
        return refresh(t, first.refreshToken!, mobile);
      },
      detail: /revoked refresh token presented/,
    },
    { name: 'an access token presented as a refresh token', present: () => refresh(t, first.accessToken, mobile), detail: /unknown refresh token/ },
    { name: 'a made-up refresh token', present: () => refresh(t, 'trt_madeup', mobile), detail: /unknown refresh token/ },
    {
      name: "a disabled user's refresh token",
      present: async () => {
        await t.store.users.updateUser({ ...(await t.store.users.findUserByUsername('default', 'alice'))!, enabled: false }, AUDITED);
        return refresh(t, first.refreshToken!, mobile);
      },
      detail: /is disabled/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with invalid_grant`, async () => {
      const error = await refusal(c.present());
      assert.deepEqual([error.code, error.status, error.description], ['invalid_grant', 400, 'The refresh token is invalid, expired or revoked']);
      assert.match(String(error.detail), c.detail);
    });
  }

  it('refuses a missing refresh_token parameter with invalid_request', async () => {
    const error = await refusal(t.tessera.services.tokenEndpoint({
      params: { grant_type: 'refresh_token' }, credentials: mobile, tenantHint: { parameter: undefined, host: undefined, parameterRequired: false }, remoteAddress: undefined,
    }));
    assert.deepEqual([error.code, error.description], ['invalid_request', 'Missing required parameter: refresh_token']);
  });

  it('never takes a refresh token for an access token', async () => {
    assert.equal(await live(first.refreshToken!, 'access'), false);
    assert.equal(await live(first.refreshToken!, 'refresh'), true);
    assert.equal(await live(first.accessToken, 'refresh'), false);
  });
});
