/**
 * The password grant (RFC 6749 §4.3) through the core token endpoint: who may
 * ask, what is issued, and that every failure looks the same from outside.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { OAuthErrorCode } from '../../src/core/errors.ts';
import { INVALID_CREDENTIALS } from '../../src/core/users/authenticate-user.ts';
import { addClient, addUser, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { isRevoked, login, publicClient, record, refusal, tokenRequest } from '../helpers/user-grants.ts';

let t: TestTessera;
let alice: { id: string };
let appSecret: string;
const app = () => ({ method: 'client_secret_basic' as const, clientId: 'app', clientSecret: appSecret });

before(async () => {
  t = await createTestTessera();
  appSecret = await addClient(t, { id: 'app', grantTypes: ['password'], scopes: ['read', 'write'] });
  await addClient(t, { id: 'mobile', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read'] });
  alice = await addUser(t, { username: 'Alice@Example.com', password: 'correct horse', role: 'Administrator', accounts: ['20000'] });
  await addUser(t, { username: 'dora', password: 'disabled pass', enabled: false });
});

/** How many argon2 computations `work` caused, read from the server's limiter. */
async function argon2Runs(work: () => Promise<unknown>): Promise<number> {
  const before = t.tessera.argon2.limiter.stats().completed;
  await work().catch(() => {});
  return t.tessera.argon2.limiter.stats().completed - before;
}

describe('password grant', () => {
  it('issues a token for the user, carrying the user id as subject and the user in the result', async () => {
    const result = await login(t, 'alice@example.com', 'correct horse', app());
    assert.equal(result.subject, alice.id);
    assert.deepEqual(result.user, { id: alice.id, username: 'Alice@Example.com', role: 'Administrator', attributes: {} });
    assert.equal(result.refreshToken, undefined, 'the client is not allowed refresh_token');
    const stored = await record(t, result.accessToken);
    assert.equal(stored.username, 'Alice@Example.com');
    assert.deepEqual(stored.accounts, ['20000']);
    assert.match(String(stored.familyId), /^[0-9a-f-]{36}$/, 'a login starts a token family');
  });

  it('matches usernames case-insensitively', async () => {
    assert.equal((await login(t, 'ALICE@example.COM', 'correct horse', app())).subject, alice.id);
  });

  it('starts a new family at every login', async () => {
    const a = await record(t, (await login(t, 'alice@example.com', 'correct horse', app())).accessToken);
    const b = await record(t, (await login(t, 'alice@example.com', 'correct horse', app())).accessToken);
    assert.notEqual(a.familyId, b.familyId);
  });

  it('lets a public client identify itself by client_id alone, and issues it a refresh token it is allowed', async () => {
    const result = await login(t, 'alice@example.com', 'correct horse', publicClient('mobile'));
    assert.match(String(result.refreshToken), /^trt_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    const refresh = await record(t, result.refreshToken!);
    assert.equal(refresh.kind, 'refresh');
    assert.equal(refresh.familyId, (await record(t, result.accessToken)).familyId);
    assert.equal(refresh.expiresAt, t.time.now + 30 * 24 * 3600_000, 'the default refresh lifetime is 30 days');
  });

  it('grants a narrower scope on request and refuses one beyond the client before checking the password', async () => {
    const narrowed = await login(t, 'alice@example.com', 'correct horse', app(), { scope: 'read' });
    assert.deepEqual((await record(t, narrowed.accessToken)).scope, ['read']);
    const runs = await argon2Runs(async () => {
      const error = await refusal(login(t, 'alice@example.com', 'correct horse', app(), { scope: 'admin' }));
      assert.equal(error.code, 'invalid_scope');
    });
    assert.equal(runs, 0);
  });

  it('refuses a request without client credentials unless the tenant names a default public client', async () => {
    const error = await refusal(login(t, 'alice@example.com', 'correct horse', undefined));
    assert.deepEqual([error.code, error.description], ['invalid_client', 'Client authentication is required']);
    await t.tenants.update('default', { loginPolicy: { defaultPublicClient: 'mobile' } }, { actor: 'test' });
    try {
      const result = await login(t, 'alice@example.com', 'correct horse', undefined);
      assert.equal(result.client.id, 'mobile');
      const cc = await refusal(t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'client_credentials' })));
      assert.deepEqual([cc.code, cc.description], ['invalid_client', 'Client authentication is required'], 'still no client credentials grant without credentials');
    } finally {
      await t.tenants.update('default', { loginPolicy: { defaultPublicClient: null } }, { actor: 'test' });
    }
  });

  it('refuses the client credentials grant to a public client, with a Basic challenge', async () => {
    const error = await refusal(t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'client_credentials' }, publicClient('mobile'))));
    assert.deepEqual([error.code, error.status, error.description], ['invalid_client', 401, 'Client authentication is required']);
    assert.match(String(error.headers['WWW-Authenticate']), /^Basic realm="default"/);
  });

  it('never issues a refresh token with client credentials, even to a client allowed refresh_token', async () => {
    const secret = await addClient(t, { id: 'svc-refresh', grantTypes: ['client_credentials', 'refresh_token'] });
    const result = await t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'client_credentials' }, { method: 'client_secret_post', clientId: 'svc-refresh', clientSecret: secret }));
    assert.equal(result.refreshToken, undefined);
    assert.equal((await record(t, result.accessToken)).familyId, null);
  });

  it('revokes the user\'s tokens when the password changes', async () => {
    const bob = await addUser(t, { username: 'bob', password: 'bob password 1' });
    const result = await login(t, 'bob', 'bob password 1', publicClient('mobile'));
    await t.users.update('default', bob.id, { password: 'bob password 2' }, { actor: 'test' });
    assert.equal(await isRevoked(t, result.accessToken), true);
    assert.equal(await isRevoked(t, result.refreshToken!), true);
  });
});

describe('password grant refusals', () => {
  it('answers an unknown user, a wrong password and a disabled user alike, each after one argon2 computation', async () => {
    const attempts = {
      'an unknown user': () => login(t, 'nobody@example.com', 'correct horse', app()),
      'a wrong password': () => login(t, 'alice@example.com', 'wrong horse!', app()),
      'a disabled user with the right password': () => login(t, 'dora', 'disabled pass', app()),
      'a username no user can have': () => login(t, ' padded ', 'correct horse', app()),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      let error;
      const runs = await argon2Runs(async () => {
        error = await refusal(attempt());
      });
      assert.equal(runs, 1, `${name}: one argon2 computation`);
      assert.deepEqual({ ...error!, detail: undefined }, {
        ...error!, code: 'invalid_grant', status: 400, description: INVALID_CREDENTIALS, headers: {}, detail: undefined,
      }, name);
      assert.ok(error!.detail, `${name}: the reason is kept for the log`);
    }
    await t.users.unlock('default', alice.id, { actor: 'test' });
  });

  const bad: { name: string; params: Record<string, string>; code: OAuthErrorCode; description: RegExp }[] = [
    { name: 'a missing username', params: { password: 'correct horse' }, code: 'invalid_request', description: /Missing required parameter: username/ },
    { name: 'a missing password', params: { username: 'alice@example.com' }, code: 'invalid_request', description: /Missing required parameter: password/ },
    { name: 'a password beyond 1024 bytes', params: { username: 'alice@example.com', password: 'é'.repeat(513) }, code: 'invalid_request', description: /longer than 1024 bytes/ },
    { name: 'a malformed scope', params: { username: 'alice@example.com', password: 'correct horse', scope: 'a"b' }, code: 'invalid_scope', description: /not allowed/ },
  ];
  for (const b of bad) {
    it(`refuses ${b.name} with ${b.code}, without hashing`, async () => {
      const runs = await argon2Runs(async () => {
        const error = await refusal(t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'password', ...b.params }, app())));
        assert.equal(error.code, b.code);
        assert.match(error.description, b.description);
      });
      assert.equal(runs, 0);
    });
  }

  it('refuses a client that is not allowed the password grant', async () => {
    const secret = await addClient(t, { id: 'machine' });
    const error = await refusal(login(t, 'alice@example.com', 'correct horse', { method: 'client_secret_basic', clientId: 'machine', clientSecret: secret }));
    assert.equal(error.code, 'unauthorized_client');
  });
});
