/**
 * Seed 003's single active token: "Every time you call the Token API with
 * valid credentials, the platform issues a new token to your application and
 * discards any existing tokens." A per-client option, off by default.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findLiveToken } from '../helpers/live-token.ts';
import { addClient, addUser, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { isRevoked, login, publicClient, refresh } from '../helpers/user-grants.ts';

let t: TestTessera;

before(async () => {
  t = await createTestTessera();
  await addClient(t, { id: 'seed003', clientType: 'public', grantTypes: ['password', 'refresh_token'], singleActiveToken: true });
  await addClient(t, { id: 'seed003-jwt', clientType: 'public', grantTypes: ['password'], singleActiveToken: true, tokenFormat: 'jwt' });
  await addClient(t, { id: 'plain', clientType: 'public', grantTypes: ['password'] });
  await addUser(t, { username: 'alice', password: 'alice password' });
  await addUser(t, { username: 'bob', password: 'bob password' });
});

const live = async (token: string) => (await findLiveToken(t.store.tokens, token, 'access', t.time.now)) !== undefined;

describe('single active token', () => {
  it("revokes the user's earlier access and refresh tokens for that client at a new login", async () => {
    const earlier = await login(t, 'alice', 'alice password', publicClient('seed003'));
    const refreshed = await refresh(t, earlier.refreshToken!, publicClient('seed003'));
    assert.equal(await live(refreshed.accessToken), true, 'a refresh is not a login: the session goes on');
    const latest = await login(t, 'alice', 'alice password', publicClient('seed003'));
    for (const token of [earlier.accessToken, refreshed.accessToken, refreshed.refreshToken!]) assert.equal(await isRevoked(t, token), true);
    assert.equal(await live(latest.accessToken), true);
    assert.equal(await isRevoked(t, latest.refreshToken!), false);
  });

  it("leaves other users' tokens and the same user's tokens for other clients alone", async () => {
    const bobs = await login(t, 'bob', 'bob password', publicClient('seed003'));
    const elsewhere = await login(t, 'alice', 'alice password', publicClient('plain'));
    await login(t, 'alice', 'alice password', publicClient('seed003'));
    assert.equal(await live(bobs.accessToken), true);
    assert.equal(await live(elsewhere.accessToken), true);
  });

  it('is off by default: earlier tokens stay valid', async () => {
    const a = await login(t, 'bob', 'bob password', publicClient('plain'));
    const b = await login(t, 'bob', 'bob password', publicClient('plain'));
    assert.equal(await live(a.accessToken), true);
    assert.equal(await live(b.accessToken), true);
  });

  it("records user JWTs by hash, so revoking them is visible to introspection", async () => {
    const earlier = await login(t, 'alice', 'alice password', publicClient('seed003-jwt'));
    assert.match(earlier.accessToken, /^eyJ/);
    assert.equal(await live(earlier.accessToken), true);
    const latest = await login(t, 'alice', 'alice password', publicClient('seed003-jwt'));
    assert.equal(await live(earlier.accessToken), false);
    assert.equal(await live(latest.accessToken), true);
  });
});
