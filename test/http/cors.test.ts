/**
 * CORS on the endpoints a browser client calls, over real sockets, so both
 * request paths answer as a browser sees them: the direct dispatcher (POSTs to
 * the token, introspection and revocation endpoints) and Fastify (preflights,
 * metadata, JWKS). Off by default; allowed origins come from the server's
 * `corsOrigins` and each tenant's own. test/http/cors-browser.test.ts makes
 * the same requests from a real browser.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { addClient, basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a socket, with exactly the headers given (as a browser sends them, `Origin` included). */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const APP = 'https://app.example.test';
const OTHER = 'https://other.example.test';
const SERVER_WIDE = 'http://localhost:5173';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const preflight = (origin: string, method = 'POST', requestHeaders = 'authorization, content-type') => ({
  origin,
  'access-control-request-method': method,
  ...(requestHeaders === '' ? {} : { 'access-control-request-headers': requestHeaders }),
});

async function listen(t: TestTessera, corsOrigins?: readonly string[]): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    services: t.tessera.services,
    tokenRoutes: tokenRoutes([{ path: '/Token', dialect: 'owin' }]),
    bodyLimitBytes: 16_384,
    logLevel: 'silent',
    ...(corsOrigins === undefined ? {} : { corsOrigins }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

describe('CORS', () => {
  let t: TestTessera;
  let secret: string;
  let base: string;
  let off: { app: FastifyInstance; url: string };
  let on: { app: FastifyInstance; url: string };

  before(async () => {
    t = await createTestTessera();
    secret = await addClient(t, { id: 'spa-backend' });
    await t.tenants.create({ id: 'acme', issuer: 'https://auth.example.test/t/acme', corsOrigins: [APP] }, TEST_CHANGE);
    await t.clients.create({ tenantId: 'acme', id: 'acme-app', secret: 'acme-secret' }, TEST_CHANGE);
    off = await listen(t);
    on = await listen(t, [SERVER_WIDE]);
    base = on.url;
  });

  after(async () => {
    await off.app.close();
    await on.app.close();
  });

  const tokenRequest = (url: string, path: string, origin: string | undefined, id = 'spa-backend', key = secret) =>
    send(url, 'POST', path, { ...FORM, authorization: basic(id, key), ...(origin === undefined ? {} : { origin }) }, 'grant_type=client_credentials');

  describe('off by default', () => {
    it('answers a cross-origin token request as before, with no CORS header, so the browser keeps the answer from the page', async () => {
      const res = await tokenRequest(off.url, '/oauth/token', APP);
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });

    it('refuses a preflight from any origin with 403 in the OAuth error format', async () => {
      const res = await send(off.url, 'OPTIONS', '/oauth/token', preflight(APP));
      assert.equal(res.status, 403);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.equal(JSON.parse(res.body).error, 'invalid_request');
      assert.match(JSON.parse(res.body).error_description, /origin https:\/\/app\.example\.test is not in the tenant's or the server's corsOrigins/);
    });

    it('answers OPTIONS without Origin (not a preflight) with 204 and Allow', async () => {
      const res = await send(off.url, 'OPTIONS', '/oauth/token');
      assert.equal(res.status, 204);
      assert.equal(res.headers.allow, 'POST, OPTIONS');
    });
  });

  describe('preflights', () => {
    const endpoints: [string, string, string][] = [
      ['token', '/oauth/token', 'POST'],
      ['introspection', '/oauth/introspect', 'POST'],
      ['revocation', '/oauth/revoke', 'POST'],
      ['metadata', '/.well-known/oauth-authorization-server', 'GET'],
      ['JWKS', '/.well-known/jwks.json', 'GET'],
      ["a configured token path's GET (seed 003)", '/Token', 'GET'],
    ];
    for (const [name, path, method] of endpoints) {
      it(`allows a preflight to the ${name} endpoint from an origin the server allows`, async () => {
        const res = await send(base, 'OPTIONS', path, preflight(SERVER_WIDE, method));
        assert.equal(res.status, 204, res.body);
        assert.equal(res.headers['access-control-allow-origin'], SERVER_WIDE);
        assert.match(String(res.headers['access-control-allow-methods']), new RegExp(method));
        assert.equal(res.headers['access-control-allow-headers'], 'authorization, content-type');
        assert.equal(res.headers['access-control-max-age'], '600');
        assert.equal(res.headers.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
        assert.equal(res.headers['access-control-allow-credentials'], undefined);
      });
    }

    it("allows a tenant's own origin for the tenant a path names, and only for it", async () => {
      const own = await send(base, 'OPTIONS', '/t/acme/oauth/token', preflight(APP));
      assert.equal(own.status, 204);
      assert.equal(own.headers['access-control-allow-origin'], APP);
      const metadata = await send(base, 'OPTIONS', '/.well-known/oauth-authorization-server/t/acme', preflight(APP, 'GET', ''));
      assert.equal(metadata.status, 204);
      const elsewhere = await send(base, 'OPTIONS', '/oauth/token', preflight(APP));
      assert.equal(elsewhere.status, 403);
    });

    it('refuses an origin nobody allowed, a method the endpoint does not serve, and a header it does not accept', async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [preflight(OTHER), /origin https:\/\/other\.example\.test is not/],
        [preflight(SERVER_WIDE, 'DELETE'), /method DELETE is not served here \(POST\)/],
        [preflight(SERVER_WIDE, 'POST', 'authorization, x-tracking'), /header x-tracking is not accepted/],
        [preflight('null'), /origin null is not/],
      ];
      for (const [headers, description] of cases) {
        const res = await send(base, 'OPTIONS', '/oauth/token', headers);
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.equal(res.headers['access-control-allow-origin'], undefined);
        assert.match(JSON.parse(res.body).error_description, description);
      }
    });
  });

  describe('requests', () => {
    it('lets an allowed page read a token answer served by the direct dispatcher, and its 401 challenge', async () => {
      const ok = await tokenRequest(base, '/oauth/token', SERVER_WIDE);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['access-control-allow-origin'], SERVER_WIDE);
      assert.equal(ok.headers.vary, 'Origin');
      assert.equal(ok.headers['access-control-expose-headers'], 'WWW-Authenticate, Retry-After, X-Request-Id');
      const refused = await tokenRequest(base, '/oauth/token', SERVER_WIDE, 'spa-backend', 'wrong');
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['access-control-allow-origin'], SERVER_WIDE);
      assert.match(String(refused.headers['www-authenticate']), /^Basic/);
    });

    it("lets a tenant's page call its introspection and revocation endpoints by path", async () => {
      const token = JSON.parse((await tokenRequest(base, '/t/acme/oauth/token', APP, 'acme-app', 'acme-secret')).body).access_token as string;
      const auth = { ...FORM, authorization: basic('acme-app', 'acme-secret'), origin: APP };
      const introspected = await send(base, 'POST', '/t/acme/oauth/introspect', auth, `token=${token}`);
      assert.equal(JSON.parse(introspected.body).active, true);
      assert.equal(introspected.headers['access-control-allow-origin'], APP);
      const revoked = await send(base, 'POST', '/t/acme/oauth/revoke', auth, `token=${token}`);
      assert.equal(revoked.status, 200);
      assert.equal(revoked.headers['access-control-allow-origin'], APP);
    });

    it('serves metadata and the JWKS with Vary: Origin always (shared caches must not mix answers), and Allow-Origin to allowed pages', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json']) {
        const plain = await send(off.url, 'GET', path);
        assert.equal(plain.headers.vary, 'Origin');
        const allowed = await send(base, 'GET', path, { origin: SERVER_WIDE });
        assert.equal(allowed.headers['access-control-allow-origin'], SERVER_WIDE);
        const other = await send(base, 'GET', path, { origin: OTHER });
        assert.equal(other.status, 200);
        assert.equal(other.headers['access-control-allow-origin'], undefined);
      }
    });

    it('answers a request from an origin not allowed normally, without CORS headers (no cookies: nothing ambient to protect)', async () => {
      const res = await tokenRequest(base, '/oauth/token', OTHER);
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });

    it('takes effect at once when a tenant changes its origins', async () => {
      await t.tenants.update('acme', { corsOrigins: [OTHER] }, TEST_CHANGE);
      assert.equal((await send(base, 'OPTIONS', '/t/acme/oauth/token', preflight(OTHER))).status, 204);
      assert.equal((await send(base, 'OPTIONS', '/t/acme/oauth/token', preflight(APP))).status, 403);
      await t.tenants.update('acme', { corsOrigins: [APP] }, TEST_CHANGE);
    });

    it('allows any origin for a tenant that lists *', async () => {
      await t.tenants.create({ id: 'open', issuer: 'https://auth.example.test/t/open', corsOrigins: ['*'] }, TEST_CHANGE);
      const res = await send(base, 'OPTIONS', '/t/open/.well-known/jwks.json', preflight(OTHER, 'GET', ''));
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], OTHER);
    });
  });
});
