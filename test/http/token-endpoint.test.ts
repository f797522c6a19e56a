/**
 * The token endpoint over HTTP (injected, no sockets): client credentials in
 * every dialect, tenants, scopes, token formats and every kind of bad input.
 */
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { before, describe, it } from 'node:test';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { addClient, basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp } from './helpers.ts';
import type { FastifyInstance } from 'fastify';

let t: TestTessera;
let app: FastifyInstance;
let secret: string;

before(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  secret = await addClient(t, { id: 'svc', scopes: ['read', 'write'], accounts: ['20000', '20001'] });
  await addClient(t, { id: 'noscope' });
});

const post = (payload: string, headers: Record<string, string> = {}, url = '/oauth/token') =>
  app.inject({ method: 'POST', url, payload, headers: { ...FORM, ...headers } });

describe('client credentials at /oauth/token', () => {
  it('issues an opaque token to a client authenticating with Basic', async () => {
    const res = await post('grant_type=client_credentials', { authorization: basic('svc', secret) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.pragma, 'no-cache');
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'scope']);
    assert.match(body.access_token, /^tat_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, 'read write', 'no scope was requested, so the granted scope is named');
  });

  it('stores the opaque token only as its hash, with what it grants and its expiry', async () => {
    const body = (await post('grant_type=client_credentials&scope=read', { authorization: basic('svc', secret) })).json();
    const record = await t.store.tokens.findToken(tokenStorageKey(body.access_token));
    assert.ok(record);
    assert.ok(!JSON.stringify(record).includes(body.access_token));
    assert.deepEqual(
      { client: record.clientId, tenant: record.tenantId, scope: record.scope, accounts: record.accounts, kind: record.kind },
      { client: 'svc', tenant: 'default', scope: ['read'], accounts: ['20000', '20001'], kind: 'access' },
    );
    assert.equal(record.expiresAt - record.issuedAt, 3600_000);
  });

  it('accepts client_secret_post credentials in the form body', async () => {
    const res = await post(`grant_type=client_credentials&client_id=svc&client_secret=${secret}`);
    assert.equal(res.statusCode, 200);
  });

  it('accepts a client_id parameter beside Basic when it names the same client', async () => {
    const res = await post('grant_type=client_credentials&client_id=svc', { authorization: basic('svc', secret) });
    assert.equal(res.statusCode, 200);
  });

  it('omits scope when the requested scope is granted as asked', async () => {
    const body = (await post('grant_type=client_credentials&scope=write', { authorization: basic('svc', secret) })).json();
    assert.equal(body.scope, undefined);
  });

  it('omits scope for a client that has none and asked for none', async () => {
    const noscope = await t.clients.rotateSecret('default', 'noscope', {}, TEST_CHANGE);
    const body = (await post('grant_type=client_credentials', { authorization: basic('noscope', noscope.clientSecret!) })).json();
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in']);
  });

  it('uses the client lifetime over the tenant default', async () => {
    const s = await addClient(t, { id: 'short', accessTokenLifetime: 60 });
    assert.equal((await post('grant_type=client_credentials', { authorization: basic('short', s) })).json().expires_in, 60);
  });

  it('refuses a scope outside the client allowance with invalid_scope', async () => {
    const res = await post('grant_type=client_credentials&scope=read%20admin', { authorization: basic('svc', secret) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'invalid_scope', error_description: 'The client may not request scope: admin' });
  });

  it('refuses a grant the client is not allowed with unauthorized_client', async () => {
    const s = await addClient(t, { id: 'pw-only', grantTypes: ['password'] });
    const res = await post('grant_type=client_credentials', { authorization: basic('pw-only', s) });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'unauthorized_client');
  });

  it('authenticates an operator-chosen secret (argon2id) sent raw or RFC-encoded', async () => {
    await addClient(t, { id: 'human', secret: 'p@ss+word:1' });
    const raw = await post('grant_type=client_credentials', { authorization: basic('human', 'p@ss+word:1') });
    assert.equal(raw.statusCode, 200, raw.body);
    const encoded = await post('grant_type=client_credentials', { authorization: basic('human', encodeURIComponent('p@ss+word:1')) });
    assert.equal(encoded.statusCode, 200, encoded.body);
  });
});

describe('client authentication failures', () => {
  it("answers an unknown client with 401 invalid_client 'Client authentication failed' and a Basic challenge", async () => {
    const res = await post('grant_type=client_credentials', { authorization: basic('nobody', 'whatever1') });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { error: 'invalid_client', error_description: 'Client authentication failed' });
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="default"/);
    assert.equal(res.headers['cache-control'], 'no-store');
  });
  it('answers a wrong secret with 401 invalid_client, worded as for an unknown client', async () => {
    const res = await post('grant_type=client_credentials', { authorization: basic('svc', `${secret}x`) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error_description, 'Client authentication failed');
  });
  it('refuses a disabled client once its secret checks out', async () => {
    const s = await addClient(t, { id: 'off', enabled: false });
    const res = await post('grant_type=client_credentials', { authorization: basic('off', s) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error_description, 'Client is disabled');
  });
  it('requires client authentication for client credentials', async () => {
    const none = await post('grant_type=client_credentials');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error, 'invalid_client');
    const publicClient = await post('grant_type=client_credentials&client_id=svc');
    assert.equal(publicClient.statusCode, 401);
  });
});

describe('JWT access tokens (RFC 9068)', () => {
  it('signs an at+jwt with the tenant key (ES256 by default) carrying the RFC 9068 claims', async () => {
    const s = await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt', scopes: ['read'], accounts: ['20000'] });
    const body = (await post('grant_type=client_credentials', { authorization: basic('jwt-svc', s) })).json();
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'ES256');
    const jwks = createLocalJWKSet({ keys: await t.tessera.keys.publicKeys((await t.store.tenants.getTenant('default'))!) });
    const { payload } = await jwtVerify(body.access_token, jwks, {
      issuer: 'https://auth.example.test',
      audience: 'https://auth.example.test',
      typ: 'at+jwt',
      currentDate: new Date(t.time.now),
    });
    assert.equal(payload.sub, 'jwt-svc');
    assert.equal(payload.client_id, 'jwt-svc');
    assert.equal(payload.scope, 'read');
    assert.deepEqual(payload.accounts, ['20000']);
    assert.equal(payload.tenant, 'default');
    assert.equal(payload.exp! - payload.iat!, 3600);
    assert.match(String(payload.jti), /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(Object.keys(payload).sort(), ['accounts', 'aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'tenant']);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
  });

  it('signs with RS256 and a kid for a tenant configured so (seed 002)', async () => {
    await t.tenants.create({ id: 'rs.example', issuer: 'https://rs.example', signingAlg: 'RS256', accessTokenLifetime: 86400 }, TEST_CHANGE);
    const c = await t.clients.create({ tenantId: 'rs.example', id: 'rs-client', tokenFormat: 'jwt' }, TEST_CHANGE);
    const res = await post('grant_type=client_credentials&tenant=rs.example', { authorization: basic('rs-client', c.clientSecret!) });
    const body = res.json();
    assert.equal(body.expires_in, 86400);
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.alg, 'RS256');
    const [key] = await t.tessera.keys.publicKeys((await t.store.tenants.getTenant('rs.example'))!);
    assert.equal(header.kid, key!.kid);
    assert.equal(key!.d, undefined, 'public keys carry no private part');
  });
});

describe('tenants', () => {
  before(async () => {
    await t.tenants.create({ id: 'example.com', issuer: 'https://example.com', hosts: ['auth.example.com'] }, TEST_CHANGE);
    await t.clients.create({ tenantId: 'example.com', id: 'tenant-b-client', secret: 'tenant-b-secret' }, TEST_CHANGE);
  });
  it('resolves the tenant from the tenant parameter', async () => {
    const res = await post('grant_type=client_credentials&tenant=example.com&client_id=tenant-b-client&client_secret=tenant-b-secret');
    assert.equal(res.statusCode, 200);
    const record = await t.store.tokens.findToken(tokenStorageKey(res.json().access_token));
    assert.equal(record?.tenantId, 'example.com');
  });
  it('resolves the tenant from the Host header', async () => {
    const res = await post('grant_type=client_credentials', { authorization: basic('tenant-b-client', 'tenant-b-secret'), host: 'AUTH.example.com:8443' });
    assert.equal(res.statusCode, 200);
  });
  it('never lets a client of one tenant obtain a token in another', async () => {
    const res = await post('grant_type=client_credentials&tenant=example.com', { authorization: basic('svc', secret) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error_description, 'Client authentication failed');
  });
  it('refuses an unknown tenant', async () => {
    const res = await post('grant_type=client_credentials&tenant=nowhere.test', { authorization: basic('svc', secret) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 'invalid_request', error_description: 'Unknown tenant' });
  });
  it('requires the tenant parameter on a path whose dialect says so', async () => {
    const res = await post('grant_type=client_credentials', { authorization: basic('svc', secret) }, '/configapi/v2/oauth/token');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_description, 'Missing required parameter: tenant');
  });
});

describe('dialects', () => {
  it('takes a JSON body on a path with the json dialect', async () => {
    const res = await app.inject({
      method: 'POST', url: '/json/token', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ client_id: 'svc', client_secret: secret, grant_type: 'client_credentials' }),
    });
    assert.equal(res.statusCode, 200, res.body);
  });
  it('refuses a JSON body on the strict path', async () => {
    const res = await app.inject({
      method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ client_id: 'svc', client_secret: secret, grant_type: 'client_credentials' }),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_description, 'Unsupported Content-Type; send application/x-www-form-urlencoded');
  });
  it('answers GET with a form body labelled application/json on an owin path, with .issued and .expires', async () => {
    const res = await app.inject({
      method: 'GET', url: '/Token', headers: { 'content-type': 'application/json', authorization: basic('svc', secret) },
      payload: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body['.issued'], 'Thu, 01 Jan 2026 12:00:00 GMT');
    assert.equal(body['.expires'], 'Thu, 01 Jan 2026 13:00:00 GMT');
  });
  it('refuses GET on a path whose dialect allows only POST, with 405 and Allow', async () => {
    const res = await app.inject({ method: 'GET', url: '/oauth/token' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
    assert.equal(res.json().error, 'invalid_request');
  });
  it('refuses parameters in the query string unless the dialect allows them', async () => {
    const strict = await post('', {}, `/oauth/token?grant_type=client_credentials&client_id=svc&client_secret=${secret}`);
    assert.equal(strict.statusCode, 400);
    assert.match(strict.json().error_description, /query string/);
    const lenient = await post('', {}, `/query/token?grant_type=client_credentials&client_id=svc&client_secret=${secret}`);
    assert.equal(lenient.statusCode, 200, lenient.body);
  });
  it('answers with and without the trailing slash of /v2/token/', async () => {
    for (const url of ['/v2/token/', '/v2/token']) {
      const res = await post('grant_type=client_credentials', { authorization: basic('svc', secret) }, url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.json().token_type, 'bearer');
    }
  });
});

describe('bad input never yields a 500, a crash or a hang', () => {
  const cases: { name: string; url?: string; method?: string; headers?: Record<string, string>; payload?: string | Buffer; status: number; error: string; description?: RegExp }[] = [
    { name: 'a Basic header that is not Base64', headers: { authorization: 'Basic ***' }, payload: 'grant_type=client_credentials', status: 401, error: 'invalid_client', description: /not Base64/ },
    { name: 'a Basic value without a colon', headers: { authorization: `Basic ${Buffer.from('svc').toString('base64')}` }, payload: 'grant_type=client_credentials', status: 401, error: 'invalid_client', description: /no ':'/ },
    { name: 'an empty client_id in Basic', headers: { authorization: `Basic ${Buffer.from(':x').toString('base64')}` }, payload: 'grant_type=client_credentials', status: 401, error: 'invalid_client', description: /empty client_id/ },
    { name: 'an empty client_secret in Basic', headers: { authorization: `Basic ${Buffer.from('svc:').toString('base64')}` }, payload: 'grant_type=client_credentials', status: 401, error: 'invalid_client', description: /empty client_secret/ },
    { name: 'a repeated parameter', payload: 'grant_type=client_credentials&grant_type=password', status: 400, error: 'invalid_request', description: /more than once/ },
    { name: 'an unknown grant type', payload: 'grant_type=urn:made:up', status: 400, error: 'unsupported_grant_type', description: /urn:made:up/ },
    { name: 'a missing grant type', payload: 'scope=read', status: 400, error: 'invalid_request', description: /grant_type/ },
    { name: 'a wrong content type', headers: { 'content-type': 'text/plain' }, payload: 'grant_type=client_credentials', status: 400, error: 'invalid_request', description: /Unsupported Content-Type/ },
    { name: 'an empty content type', headers: { 'content-type': '' }, payload: 'grant_type=client_credentials', status: 400, error: 'invalid_request', description: /Content-Type/ },
    { name: 'a malformed content type', headers: { 'content-type': 'form;;;=' }, payload: 'grant_type=client_credentials', status: 400, error: 'invalid_request', description: /Content-Type/ },
    { name: 'a charset other than UTF-8', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }, payload: 'grant_type=client_credentials', status: 400, error: 'invalid_request', description: /charset/ },
    { name: 'invalid JSON', url: '/json/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":', status: 400, error: 'invalid_request', description: /not valid JSON/ },
    { name: 'a JSON body that is not an object', url: '/json/token', headers: { 'content-type': 'application/json' }, payload: '["grant_type"]', status: 400, error: 'invalid_request', description: /must be an object/ },
    { name: 'an oversized body', payload: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}`, status: 413, error: 'invalid_request', description: /larger than 16384 bytes/ },
    { name: 'an oversized GET body', url: '/Token', method: 'GET', payload: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}`, status: 413, error: 'invalid_request' },
    { name: 'non-UTF-8 bytes in the body', payload: Buffer.from([0x67, 0x3d, 0xc3, 0x28]), status: 400, error: 'invalid_request', description: /UTF-8/ },
    { name: 'percent-encoded non-UTF-8', payload: 'grant_type=client_credentials&client_id=%ff', status: 400, error: 'invalid_request', description: /percent-encoding/ },
    { name: 'credentials by two methods', headers: { authorization: basic('svc', 'abcdefgh') }, payload: 'grant_type=client_credentials&client_id=svc&client_secret=abcdefgh', status: 400, error: 'invalid_request', description: /use one method/ },
    { name: 'a client_id beside Basic naming another client', headers: { authorization: basic('svc', 'abcdefgh') }, payload: 'grant_type=client_credentials&client_id=other', status: 400, error: 'invalid_request', description: /does not match/ },
    { name: 'a client_secret without client_id', payload: 'grant_type=client_credentials&client_secret=x', status: 400, error: 'invalid_request', description: /without client_id/ },
    { name: 'an unknown tenant', payload: 'grant_type=client_credentials&tenant=..', status: 400, error: 'invalid_request', description: /Unknown tenant/ },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} ${c.error}`, async () => {
      const res = await app.inject({ method: c.method ?? 'POST', url: c.url ?? '/oauth/token', headers: { ...FORM, ...c.headers }, payload: c.payload });
      assert.equal(res.statusCode, c.status, res.body);
      const body = res.json();
      assert.equal(body.error, c.error);
      if (c.description) assert.match(body.error_description, c.description);
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  }

  it('answers a body without any content type with 400 invalid_request', async () => {
    const res = await app.inject({ method: 'POST', url: '/oauth/token', payload: 'grant_type=client_credentials' });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error_description, 'Missing Content-Type; send application/x-www-form-urlencoded');
  });

  it('answers an unexpected failure with a generic server_error that reveals nothing', async () => {
    const broken = await createTestTessera();
    broken.store.clients.getClient = async () => {
      throw new Error('database file /secret/path is corrupt');
    };
    const brokenApp = await injectableApp(broken);
    const res = await brokenApp.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('a', 'bcdefghi') }, payload: 'grant_type=client_credentials' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'server_error', error_description: 'The server could not process the request.' });
  });
});
