/**
 * The password and refresh token grants over HTTP (injected): response shapes
 * per dialect, identical answers for every failed login, and bad input.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { before, describe, it } from 'node:test';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp } from './helpers.ts';

let t: TestTessera;
let app: FastifyInstance;
let aliceId: string;
let confidentialSecret: string;

before(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  await addClient(t, { id: 'mobile', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read'] });
  await addClient(t, { id: 'other', clientType: 'public', grantTypes: ['password', 'refresh_token'] });
  confidentialSecret = await addClient(t, { id: 'web', grantTypes: ['password'], accessTokenLifetime: 1_209_600 });
  aliceId = (await addUser(t, { username: 'alice@example.com', password: 'correct horse', role: 'Administrator' })).id;
  await addUser(t, { username: 'dora', password: 'disabled pass', enabled: false });
  await addUser(t, { username: 'lenny', password: 'locked password' });
  await t.tenants.update('default', { loginPolicy: { lockout: { maxFailures: 2 } } }, { actor: 'test' });
});

const post = (payload: string | Buffer, headers: Record<string, string> = {}, url = '/oauth/token') =>
  app.inject({ method: 'POST', url, payload, headers: { ...FORM, ...headers } });
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('password grant over HTTP', () => {
  it("answers seed 003's userName as the user was created, whatever case the login used", async () => {
    const jane = await addUser(t, { username: 'Jane.Doe@Example.com', password: 'jane password', role: 'User' });
    const res = await app.inject({
      method: 'POST', url: '/Token', headers: { ...FORM, authorization: basic('web', confidentialSecret) },
      payload: form({ grant_type: 'password', username: 'jane.doe@example.COM', password: 'jane password' }),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().userName, res.json().userId], ['Jane.Doe@Example.com', jane.id]);
  });

  it("answers seed 003's GET /Token with the user fields and RFC 1123 dates, in the seed's order", async () => {
    const res = await app.inject({
      method: 'GET', url: '/Token', headers: { 'content-type': 'application/json', authorization: basic('web', confidentialSecret) },
      payload: form({ grant_type: 'password', username: 'alice@example.com', password: 'correct horse' }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'userName', 'userId', 'role', '.issued', '.expires']);
    assert.deepEqual(
      { ...body, access_token: undefined },
      {
        access_token: undefined, token_type: 'bearer', expires_in: 1_209_599, userName: 'alice@example.com', userId: aliceId, role: 'Administrator',
        '.issued': 'Thu, 01 Jan 2026 12:00:00 GMT', '.expires': 'Thu, 15 Jan 2026 12:00:00 GMT',
      },
    );
  });

  it('answers the strict path in RFC 6749 terms, with a refresh token for a client allowed one', async () => {
    const res = await post(form({ grant_type: 'password', username: 'alice@example.com', password: 'correct horse', client_id: 'mobile' }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope']);
    const refreshed = await post(form({ grant_type: 'refresh_token', refresh_token: body.refresh_token, client_id: 'mobile' }));
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.notEqual(refreshed.json().refresh_token, body.refresh_token);
  });

  it('answers an unknown user, a wrong password, a locked user and a disabled user with byte-identical responses', async () => {
    for (let i = 0; i < 2; i++) await post(form({ grant_type: 'password', username: 'lenny', password: 'not it at all', client_id: 'mobile' }));
    const attempts = {
      'unknown user': { username: 'nobody@example.com', password: 'correct horse' },
      'wrong password': { username: 'alice@example.com', password: 'wrong horse!' },
      'locked user, right password': { username: 'lenny', password: 'locked password' },
      'disabled user, right password': { username: 'dora', password: 'disabled pass' },
    };
    const responses = [];
    for (const [name, credentials] of Object.entries(attempts)) {
      const res = await post(form({ grant_type: 'password', client_id: 'mobile', ...credentials }));
      const { date: _date, 'x-request-id': _requestId, ...headers } = res.headers;
      responses.push({ name, status: res.statusCode, headers, body: res.body });
    }
    const [first, ...rest] = responses;
    assert.equal(first!.status, 400);
    assert.deepEqual(JSON.parse(first!.body), { error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
    for (const r of rest) assert.deepEqual({ ...r, name: first!.name }, first, r.name);
  });
});

describe('bad input to the user grants never yields a 500', () => {
  const cases: { name: string; payload: () => string | Buffer; url?: string; headers?: Record<string, string>; status: number; error: string; description?: RegExp }[] = [
    { name: 'a missing username', payload: () => form({ grant_type: 'password', password: 'correct horse', client_id: 'mobile' }), status: 400, error: 'invalid_request', description: /username/ },
    { name: 'a missing password', payload: () => form({ grant_type: 'password', username: 'alice@example.com', client_id: 'mobile' }), status: 400, error: 'invalid_request', description: /password/ },
    { name: 'an empty password', payload: () => 'grant_type=password&username=alice%40example.com&password=&client_id=mobile', status: 400, error: 'invalid_request', description: /Missing required parameter: password/ },
    { name: 'an empty password in a JSON body', url: '/json/token', headers: { 'content-type': 'application/json' }, payload: () => JSON.stringify({ grant_type: 'password', username: 'alice@example.com', password: '', client_id: 'mobile' }), status: 400, error: 'invalid_request', description: /Missing required parameter: password/ },
    { name: 'a very long password', payload: () => form({ grant_type: 'password', username: 'alice@example.com', password: 'x'.repeat(5000), client_id: 'mobile' }), status: 400, error: 'invalid_request', description: /longer than 1024 bytes/ },
    { name: 'a password longer than the body limit', payload: () => form({ grant_type: 'password', username: 'alice@example.com', password: 'x'.repeat(20_000), client_id: 'mobile' }), status: 413, error: 'invalid_request' },
    { name: 'a non-UTF-8 username, percent-encoded', payload: () => 'grant_type=password&username=%ff%fe&password=correct+horse&client_id=mobile', status: 400, error: 'invalid_request', description: /UTF-8/ },
    { name: 'a non-UTF-8 username, raw bytes', payload: () => Buffer.concat([Buffer.from('grant_type=password&client_id=mobile&password=correct+horse&username='), Buffer.from([0xc3, 0x28])]), status: 400, error: 'invalid_request', description: /UTF-8/ },
    { name: 'a username with a NUL byte', payload: () => 'grant_type=password&username=alice%00&password=correct+horse&client_id=mobile', status: 400, error: 'invalid_grant' },
    { name: 'a disabled user', payload: () => form({ grant_type: 'password', username: 'dora', password: 'disabled pass', client_id: 'mobile' }), status: 400, error: 'invalid_grant' },
    { name: 'a password grant without any client', payload: () => form({ grant_type: 'password', username: 'alice@example.com', password: 'correct horse' }), status: 401, error: 'invalid_client' },
    { name: 'a missing refresh_token', payload: () => form({ grant_type: 'refresh_token', client_id: 'mobile' }), status: 400, error: 'invalid_request', description: /refresh_token/ },
    { name: 'a refresh_token that is not one of ours', payload: () => form({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(3000), client_id: 'mobile' }), status: 400, error: 'invalid_grant' },
    { name: 'a refresh_token with non-UTF-8 bytes', payload: () => 'grant_type=refresh_token&refresh_token=%c3%28&client_id=mobile', status: 400, error: 'invalid_request' },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} ${c.error}`, async () => {
      const res = await post(c.payload(), c.headers, c.url);
      assert.equal(res.statusCode, c.status, res.body);
      assert.equal(res.json().error, c.error);
      if (c.description) assert.match(res.json().error_description, c.description);
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  }

  it('answers refresh tokens of another client, used, revoked, expired, or an access token in their place, with 400 invalid_grant', async () => {
    const loginBody = async () => (await post(form({ grant_type: 'password', username: 'alice@example.com', password: 'correct horse', client_id: 'mobile' }))).json();
    const refreshWith = (token: string, clientId = 'mobile') => post(form({ grant_type: 'refresh_token', refresh_token: token, client_id: clientId }));
    const refused = async (res: Promise<{ statusCode: number; body: string }>, name: string) => {
      const { statusCode, body } = await res;
      assert.deepEqual([statusCode, JSON.parse(body).error], [400, 'invalid_grant'], name);
    };
    const login = await loginBody();
    await refused(refreshWith(login.refresh_token, 'other'), "another client's");
    await refused(refreshWith(login.access_token), 'an access token');

    await refreshWith(login.refresh_token);
    t.time.advance(11_000);
    await refused(refreshWith(login.refresh_token), 'a used one, after the grace period');

    const again = await loginBody();
    await t.store.tokens.revokeToken(tokenStorageKey(again.refresh_token), t.time.now);
    await refused(refreshWith(again.refresh_token), 'a revoked one');

    const later = await loginBody();
    t.time.advance(30 * 24 * 3600_000);
    await refused(refreshWith(later.refresh_token), 'an expired one');
  });
});
