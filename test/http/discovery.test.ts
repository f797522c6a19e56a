/**
 * Authorization server metadata (RFC 8414) and the JWKS (RFC 7517), per
 * tenant, in every way a resource server can address a tenant.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { before, describe, it } from 'node:test';
import { addClient, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { injectableApp, issueToken } from './helpers.ts';

let t: TestTessera;
let app: FastifyInstance;

before(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  await t.tenants.create({ id: 'acme', issuer: 'https://auth.example.test/t/acme', signingAlg: 'RS256' }, { actor: 'test' });
  await t.tenants.create({ id: 'hosted', issuer: 'https://hosted.example.test', hosts: ['hosted.example.test'], signingAlg: 'EdDSA' }, { actor: 'test' });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('authorization server metadata', () => {
  it('names the issuer, every endpoint below it, grants, client authentication and the signing algorithm', async () => {
    const res = await get('/.well-known/oauth-authorization-server');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /max-age=\d+/);
    assert.deepEqual(res.json(), {
      issuer: 'https://auth.example.test',
      token_endpoint: 'https://auth.example.test/oauth/token',
      jwks_uri: 'https://auth.example.test/.well-known/jwks.json',
      response_types_supported: [],
      grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: 'https://auth.example.test/oauth/introspect',
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint: 'https://auth.example.test/oauth/revoke',
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      access_token_signing_alg_values_supported: ['ES256'],
    });
  });

  const forms: [string, string, Record<string, string>, string][] = [
    ['the RFC 8414 §3.1 form for an issuer with a path', '/.well-known/oauth-authorization-server/t/acme', {}, 'https://auth.example.test/t/acme'],
    ['the issuer-relative form', '/t/acme/.well-known/oauth-authorization-server', {}, 'https://auth.example.test/t/acme'],
    ['the tenant query parameter', '/.well-known/oauth-authorization-server?tenant=acme', {}, 'https://auth.example.test/t/acme'],
    ['the Host header', '/.well-known/oauth-authorization-server', { host: 'hosted.example.test' }, 'https://hosted.example.test'],
  ];
  for (const [name, url, headers, issuer] of forms) {
    it(`serves a tenant's metadata at ${name}`, async () => {
      const body = (await get(url, headers)).json();
      assert.equal(body.issuer, issuer);
      assert.equal(body.token_endpoint, `${issuer}/oauth/token`);
    });
  }

  it('answers an unknown tenant with 404', async () => {
    for (const url of ['/t/nope/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/t/nope', '/.well-known/oauth-authorization-server?tenant=nope']) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error_description, 'Unknown tenant');
    }
  });

  it('answers a repeated tenant query parameter with 400', async () => {
    const res = await get('/.well-known/oauth-authorization-server?tenant=acme&tenant=hosted');
    assert.equal(res.statusCode, 400);
  });

  it('advertises endpoints that answer at the advertised paths', async () => {
    const secret = (await t.clients.create({ tenantId: 'acme', id: 'svc', tokenFormat: 'jwt' }, { actor: 'test' })).clientSecret!;
    const meta = (await get('/t/acme/.well-known/oauth-authorization-server')).json();
    const path = (url: string) => new URL(url).pathname;
    const token = await issueToken(app, basic('svc', secret), 'grant_type=client_credentials', path(meta.token_endpoint));
    const jwks = (await get(path(meta.jwks_uri))).json();
    await jwtVerify(token, createLocalJWKSet(jwks), { issuer: meta.issuer, currentDate: new Date(t.time.now) });
  });
});

describe('JWKS', () => {
  it('publishes the public half of the key that signs the tenant tokens, and nothing private', async () => {
    const secret = await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt' });
    const token = await issueToken(app, basic('jwt-svc', secret));
    const res = await get('/.well-known/jwks.json');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.match(String(res.headers['cache-control']), /^public, max-age=\d+$/);
    const { keys } = res.json();
    assert.equal(keys.length, 1);
    assert.equal(keys[0].kid, decodeProtectedHeader(token).kid);
    assert.deepEqual(Object.keys(keys[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it("publishes each tenant's own keys, by path and by host, RSA and Ed25519 without private members", async () => {
    const acme = (await get('/t/acme/.well-known/jwks.json')).json().keys;
    const hosted = (await get('/.well-known/jwks.json', { host: 'hosted.example.test' })).json().keys;
    const fallback = (await get('/.well-known/jwks.json')).json().keys;
    assert.deepEqual(Object.keys(acme[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.deepEqual([acme[0].alg, hosted[0].alg], ['RS256', 'EdDSA']);
    assert.deepEqual(Object.keys(hosted[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.equal(new Set([acme[0].kid, hosted[0].kid, fallback[0].kid]).size, 3);
  });

  it('answers an unknown tenant with 404', async () => {
    assert.equal((await get('/t/nope/.well-known/jwks.json')).statusCode, 404);
  });
});
