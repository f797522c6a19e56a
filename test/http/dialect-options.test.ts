/**
 * Dialect options that change what a vendor's client sees: how errors are
 * written (seed 002), the type and value of `expires_in` (seeds 001 and 003),
 * paths matched in any letter case (seed 003's OWIN) and a clear refusal of a
 * JSON body where only forms are read. Each is off on the strict path.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addClient, basic, createTestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp } from './helpers.ts';

let app: FastifyInstance;
let authorization: string;

before(async () => {
  const t = await createTestTessera();
  authorization = basic('svc', await addClient(t, { id: 'svc' }));
  app = await injectableApp(t);
});

const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...FORM, authorization, ...headers }, payload });

describe('errors written a vendor’s way (seed 002)', () => {
  it('writes a mapped code with its own error, description, status and member order, byte for byte', async () => {
    for (const credentials of [basic('svc', 'wrong'), basic('nobody', 'wrong')]) {
      const res = await post('/vendor/token', 'grant_type=client_credentials', { authorization: credentials });
      assert.equal(res.statusCode, 400);
      assert.equal(res.body, '{"error_description":"Invalid client_id","error":"Invalid_request"}');
      assert.equal(res.headers['www-authenticate'], undefined, 'a challenge belongs to a 401 only');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    }
  });

  it('keeps the RFC code and wording of unmapped errors, in the dialect’s member order', async () => {
    const res = await post('/vendor/token', 'grant_type=magic');
    assert.equal(res.statusCode, 400);
    assert.equal(res.body, '{"error_description":"Unsupported grant_type: magic","error":"unsupported_grant_type"}');
  });

  it('writes a refusal before any endpoint logic (405) in the dialect’s style too', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/vendor/token' });
    assert.equal(res.statusCode, 405);
    assert.deepEqual(Object.keys(res.json()), ['error_description', 'error']);
  });

  it('leaves the strict path as RFC 6749 §5.2 writes it', async () => {
    const res = await post('/oauth/token', 'grant_type=client_credentials', { authorization: basic('svc', 'wrong') });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(Object.keys(res.json()), ['error', 'error_description']);
    assert.equal(res.json().error, 'invalid_client');
    assert.match(String(res.headers['www-authenticate']), /^Basic /);
  });
});

describe('expires_in as a vendor writes it', () => {
  it('is a string one second short of the lifetime where the path says so (seed 001)', async () => {
    const res = await post('/string/token', 'grant_type=client_credentials');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /"expires_in":"3599"/);
  });

  it('is one second short on the owin path, while .expires is the full lifetime after .issued (seed 003)', async () => {
    const res = await post('/Token', 'grant_type=client_credentials');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.expires_in, 3599);
    assert.equal(Date.parse(body['.expires']) - Date.parse(body['.issued']), 3600_000);
  });

  it('is the lifetime, a number, on the strict path', async () => {
    const res = await post('/oauth/token', 'grant_type=client_credentials');
    assert.match(res.body, /"expires_in":3600[,}]/);
  });
});

describe('paths in any letter case (owin)', () => {
  for (const url of ['/token', '/TOKEN', '/t/default/tOkEn/']) {
    it(`serves ${url} as /Token`, async () => {
      const res = await app.inject({ method: 'GET', url, headers: { 'content-type': 'application/json', authorization }, payload: 'grant_type=client_credentials' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().token_type, 'bearer');
    });
  }

  it('answers a method the path does not serve with its 405, not a 404', async () => {
    const res = await app.inject({ method: 'PUT', url: '/TOKEN' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET, POST');
  });

  it('keeps every other path case-sensitive', async () => {
    const res = await app.inject({ method: 'POST', url: '/OAUTH/TOKEN', headers: { ...FORM, authorization }, payload: 'grant_type=client_credentials' });
    assert.equal(res.statusCode, 404);
  });
});

describe('a path bound to a tenant (seed 002’s clients name none)', () => {
  let bound: string;
  let boundApp: FastifyInstance;
  before(async () => {
    const t = await createTestTessera();
    await t.tenants.create({ id: 'bound', issuer: 'https://bound.test' }, { actor: 'test' });
    bound = basic('svc', (await t.clients.create({ tenantId: 'bound', id: 'svc', tokenFormat: 'jwt' }, { actor: 'test' })).clientSecret!);
    boundApp = await injectableApp(t);
  });

  it('issues in its tenant without a tenant parameter or Host', async () => {
    const res = await boundApp.inject({ method: 'POST', url: '/bound/token', headers: { ...FORM, authorization: bound }, payload: 'grant_type=client_credentials' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(JSON.parse(Buffer.from(res.json().access_token.split('.')[1], 'base64url').toString()).tenant, 'bound');
  });

  it('refuses a tenant parameter or a /t/ prefix naming another tenant', async () => {
    for (const [url, payload] of [['/bound/token', 'grant_type=client_credentials&tenant=default'], ['/t/default/bound/token', 'grant_type=client_credentials']]) {
      const res = await boundApp.inject({ method: 'POST', url, headers: { ...FORM, authorization: bound }, payload });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error, 'invalid_request');
    }
  });
});

describe('a JSON body where only forms are read', () => {
  it('is refused on the owin path with the reason, not as a missing grant_type', async () => {
    const res = await app.inject({
      method: 'GET', url: '/Token', headers: { 'content-type': 'application/json', authorization }, payload: '{"grant_type":"client_credentials"}',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      error: 'invalid_request',
      error_description: 'The request body is JSON; this endpoint takes form-encoded parameters (grant_type=...&username=...)',
    });
  });
});
