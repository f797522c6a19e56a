/**
 * The one request pipeline: a hook defined once runs for every endpoint,
 * whether the direct dispatcher or Fastify serves it, and a refusal is
 * answered in the endpoint's own error format.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../../src/core/errors.ts';
import { validateConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import type { RequestHook } from '../../src/http/pipeline/request-pipeline.ts';
import { addClient, basic, createTestTessera } from '../helpers/fixtures.ts';
import { FORM } from './helpers.ts';

const seen: { route: string; path: string; id: string; status?: number }[] = [];
let refuse = false;
const probe: RequestHook = {
  name: 'probe',
  onRequest(context) {
    seen.push({ route: context.route.name, path: context.path, id: context.id });
    if (refuse) throw new OAuthError('invalid_request', 'Refused by the probe', { status: 429, headers: { 'retry-after': '7' } });
  },
  onResponse(context, response) {
    const entry = seen.find((s) => s.id === context.id);
    if (entry) entry.status = response.statusCode;
  },
};

let app: FastifyInstance;
let origin: string;
let authorization: string;

before(async () => {
  const t = await createTestTessera();
  authorization = basic('svc', await addClient(t, { id: 'svc' }));
  const config = validateConfig({ logLevel: 'silent' });
  app = await buildApp({ services: t.tessera.services, tokenRoutes: tokenRoutes(config.tokenEndpoints), bodyLimitBytes: config.bodyLimitBytes, logLevel: 'silent', hooks: [probe] });
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(() => app.close());

const requests: { name: string; route: string; url: string; init?: RequestInit; format: 'oauth' | 'problem' }[] = [
  { name: 'the token endpoint (direct path)', route: 'token', url: '/oauth/token', init: { method: 'POST', headers: FORM, body: 'grant_type=client_credentials' }, format: 'oauth' },
  { name: 'introspection (direct path)', route: 'introspection', url: '/oauth/introspect', init: { method: 'POST', headers: FORM, body: 'token=x' }, format: 'oauth' },
  { name: 'a 405 of the token endpoint (Fastify)', route: 'token', url: '/oauth/token', init: { method: 'PUT' }, format: 'oauth' },
  { name: 'metadata (Fastify)', route: 'metadata', url: '/.well-known/oauth-authorization-server', format: 'oauth' },
  { name: 'the JWKS (Fastify)', route: 'jwks', url: '/.well-known/jwks.json', format: 'oauth' },
  { name: 'the admin API (Fastify)', route: 'admin', url: '/admin/v1/tenants', format: 'problem' },
  { name: 'the health check (Fastify)', route: 'health', url: '/healthz', format: 'problem' },
  { name: 'an unknown path (Fastify 404)', route: 'not-found', url: '/nowhere', format: 'problem' },
];

describe('the request pipeline', () => {
  for (const r of requests) {
    it(`runs a hook defined once for ${r.name}, with its route and a request id on the answer`, async () => {
      const headers = new Headers(r.init?.headers);
      headers.set('authorization', authorization);
      const res = await fetch(`${origin}${r.url}`, { ...r.init, headers });
      await res.arrayBuffer();
      const entry = seen.find((s) => s.id === res.headers.get('x-request-id'));
      assert.ok(entry, 'the hook saw the request, under the id the answer carries');
      assert.equal(entry.route, r.route);
      assert.equal(entry.path, r.url);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(entry.status, res.status, 'and saw how it ended');
    });

    it(`answers a hook's refusal at ${r.name} in that endpoint's format`, async () => {
      refuse = true;
      try {
        const res = await fetch(`${origin}${r.url}`, r.init);
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('retry-after'), '7');
        assert.match(res.headers.get('x-request-id') ?? '', /^[A-Za-z0-9_-]+-[0-9a-z]+$/, 'a refusal carries the request id too');
        const body = await res.json();
        if (r.format === 'oauth') assert.deepEqual(body, { error: 'invalid_request', error_description: 'Refused by the probe' });
        else assert.deepEqual(body, { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Refused by the probe' });
        assert.equal(res.headers.get('content-type')?.split(';')[0], r.format === 'oauth' ? 'application/json' : 'application/problem+json');
      } finally {
        refuse = false;
      }
    });
  }

  it("keeps a caller's own acceptable X-Request-Id and replaces one that is not", async () => {
    const mine = await fetch(`${origin}/healthz`, { headers: { 'x-request-id': 'proxy-7f3a.42' } });
    assert.equal(mine.headers.get('x-request-id'), 'proxy-7f3a.42');
    const bad = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { ...FORM, 'x-request-id': 'a b;<script>' }, body: 'x=1' });
    assert.match(bad.headers.get('x-request-id')!, /^[A-Za-z0-9_-]+-[0-9a-z]+$/);
  });

  it('gives two requests two ids, never a per-process counter alone', async () => {
    const ids = await Promise.all([1, 2].map(async () => (await fetch(`${origin}/healthz`)).headers.get('x-request-id')));
    assert.notEqual(ids[0], ids[1]);
    assert.doesNotMatch(ids[0]!, /^req-\d+$/);
  });
});
