/** The OpenAPI 3.1 document covers every admin route, and nothing else. */
import { ADMIN_VALIDATION } from '../../../src/http/app.ts';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { describe, it } from 'node:test';
import { ADMIN_PREFIX, adminPlugin, OPENAPI_PATH } from '../../../src/http/admin/admin-plugin.ts';
import { createTestTessera } from '../../helpers/fixtures.ts';
import { adminHarness } from './helpers.ts';

describe('OpenAPI document', () => {
  it('is served at a stable path without authentication', async () => {
    const h = await adminHarness();
    const res = await h.call('GET', OPENAPI_PATH, { token: null });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().openapi, '3.1.0');
  });

  it('lists every registered admin route with its method, and only those', async () => {
    const t = await createTestTessera();
    const app = Fastify({ ajv: { customOptions: ADMIN_VALIDATION } });
    const registered: string[] = [];
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method !== 'HEAD' && route.url.startsWith(ADMIN_PREFIX) && route.url !== OPENAPI_PATH) {
          registered.push(`${method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
        }
      }
    });
    await app.register(adminPlugin, { services: t.tessera.services, version: 'test' });
    await app.ready();
    const document = (await app.inject({ method: 'GET', url: OPENAPI_PATH })).json();
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.ok(registered.length >= 10);
    assert.deepEqual(documented.sort(), registered.sort());
  });

  it('gives every operation a unique operationId, responses and, for writes, a request body schema', async () => {
    const document = (await (await adminHarness()).call('GET', OPENAPI_PATH)).json();
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(!ids.has(String(operation.operationId)), `${method} ${path}`);
        ids.add(String(operation.operationId));
        assert.ok(Object.keys(operation.responses as object).length >= 2, `${method} ${path} has responses`);
        for (const param of path.match(/\{(\w+)\}/g) ?? []) {
          assert.ok((operation.parameters as { name: string }[]).some((p) => `{${p.name}}` === param), `${method} ${path} declares ${param}`);
        }
        if (method === 'patch') assert.ok(operation.requestBody, `${method} ${path} has a body`);
      }
    }
  });
});
