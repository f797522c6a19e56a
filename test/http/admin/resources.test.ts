/** Tenants, clients and access numbers through the admin API: CRUD, validation, pagination, audit. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { basic } from '../../helpers/fixtures.ts';
import { FORM } from '../helpers.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';
import { AUDITED } from '../../../src/store/contract.ts';

let h: AdminHarness;
before(async () => {
  h = await adminHarness();
});

describe('tenants', () => {
  it('creates, reads and partially updates a tenant', async () => {
    const created = await h.call('POST', '/admin/v1/tenants', { body: { id: 'example.com', issuer: 'https://example.com', signingAlg: 'RS256' } });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers.location, '/admin/v1/tenants/example.com');
    const patched = await h.call('PATCH', '/admin/v1/tenants/example.com', { body: { accessTokenLifetime: 86400, hosts: ['Auth.Example.com'] } });
    assert.equal(patched.statusCode, 200);
    assert.deepEqual(
      { lifetime: patched.json().accessTokenLifetime, hosts: patched.json().hosts, alg: patched.json().signingAlg },
      { lifetime: 86400, hosts: ['auth.example.com'], alg: 'RS256' },
    );
    assert.equal((await h.call('GET', '/admin/v1/tenants/example.com')).json().accessTokenLifetime, 86400);
  });

  it('sets and clears rate-limit overrides of a tenant and a client, merged member by member', async () => {
    const tenant = await h.call('PATCH', '/admin/v1/tenants/default', { body: { rateLimit: { login: { limit: 5, window: 60 }, secretLockout: { maxFailures: 4 } } } });
    assert.equal(tenant.statusCode, 200, tenant.body);
    assert.deepEqual(tenant.json().rateLimit, { login: { limit: 5, window: 60 }, secretLockout: { maxFailures: 4, waitIncrement: 60, maxWait: 900, failureReset: 43_200 } });
    const cleared = await h.call('PATCH', '/admin/v1/tenants/default', { body: { rateLimit: { secretLockout: null, token: 'off' } } });
    assert.deepEqual(cleared.json().rateLimit, { login: { limit: 5, window: 60 }, token: 'off' });
    assert.deepEqual((await h.call('GET', '/admin/v1/tenants/default')).json().rateLimit, { login: { limit: 5, window: 60 }, token: 'off' });
    const created = await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'limited', rateLimit: { token: { limit: 100, window: 10 } } } });
    assert.deepEqual(created.json().client.rateLimit, { token: { limit: 100, window: 10 } });
    const patched = await h.call('PATCH', '/admin/v1/tenants/default/clients/limited', { body: { rateLimit: { introspection: 'off' } } });
    assert.deepEqual(patched.json().rateLimit, { token: { limit: 100, window: 10 }, introspection: 'off' });
    await h.call('PATCH', '/admin/v1/tenants/default', { body: { rateLimit: { login: null, token: null } } });
  });

  const invalid: [string, string, string, unknown, number, RegExp][] = [
    ['an unknown field', 'POST', '/admin/v1/tenants', { id: 'x', issuer: 'https://x', colour: 'red' }, 400, /colour: is not a known field/],
    ['a rate a client cannot set', 'PATCH', '/admin/v1/tenants/default/clients/admin', { rateLimit: { login: 'off' } }, 400, /rateLimit\.login: is not a known field/],
    ['a rate out of range', 'PATCH', '/admin/v1/tenants/default', { rateLimit: { token: { limit: 0, window: 10 } } }, 400, /rateLimit\.token/],
    ['a missing required field', 'POST', '/admin/v1/tenants', { id: 'x' }, 400, /issuer/],
    ['a wrong type', 'PATCH', '/admin/v1/tenants/default', { accessTokenLifetime: '60' }, 400, /accessTokenLifetime: must be an integer from 1 to /],
    ['an empty patch', 'PATCH', '/admin/v1/tenants/default', {}, 400, /must NOT have fewer than 1 properties/],
    ['an unknown algorithm', 'PATCH', '/admin/v1/tenants/default', { signingAlg: 'HS256' }, 400, /signingAlg: must be one of ES256, RS256, EdDSA/],
    ['a duplicate id', 'POST', '/admin/v1/tenants', { id: 'default', issuer: 'https://d' }, 409, /tenant 'default' already exists/],
    ['an unknown tenant', 'GET', '/admin/v1/tenants/nowhere', undefined, 404, /tenant 'nowhere' does not exist/],
    ['invalid JSON', 'POST', '/admin/v1/tenants', '{"id":', 400, /JSON/],
    ['an oversized body', 'POST', '/admin/v1/tenants', { id: 'x', issuer: `https://x/${'a'.repeat(20_000)}` }, 413, /larger than 16384 bytes/],
  ];
  for (const [name, method, url, body, status, detail] of invalid) {
    it(`answers ${name} with ${status} problem details`, async () => {
      const res = await h.call(method as 'POST', url, { body });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().status, status);
      assert.match(res.json().detail, detail);
    });
  }
});

describe('clients', () => {
  it('creates a client whose generated secret is shown once and then works at the token endpoint', async () => {
    const res = await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'billing', scopes: ['invoices:read'], accounts: ['20000'] } });
    assert.equal(res.statusCode, 201);
    const { client, clientSecret } = res.json();
    assert.match(clientSecret, /^tcs_/);
    assert.deepEqual(client.secrets.map(Object.keys), [['createdAt', 'expiresAt']]);
    const read = await h.call('GET', '/admin/v1/tenants/default/clients/billing');
    assert.ok(!read.body.includes(clientSecret) && !read.body.includes('sha256$'));
    const token = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('billing', clientSecret) }, payload: 'grant_type=client_credentials' });
    assert.equal(token.statusCode, 200);
  });

  it('updates settings partially, and a disabled client stops getting tokens', async () => {
    const { clientSecret } = (await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'to-disable' } })).json();
    const patched = await h.call('PATCH', '/admin/v1/tenants/default/clients/to-disable', { body: { enabled: false, accessTokenLifetime: 60 } });
    assert.deepEqual({ enabled: patched.json().enabled, lifetime: patched.json().accessTokenLifetime }, { enabled: false, lifetime: 60 });
    const token = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('to-disable', clientSecret) }, payload: 'grant_type=client_credentials' });
    assert.equal(token.json().error_description, 'Client is disabled');
  });

  it('rotates a secret keeping the old one valid through the overlap only', async () => {
    const { clientSecret: old } = (await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'rotating' } })).json();
    const rotated = await h.call('POST', '/admin/v1/tenants/default/clients/rotating/rotate-secret', { body: { overlapSeconds: 300 } });
    assert.equal(rotated.statusCode, 200);
    const fresh = rotated.json().clientSecret as string;
    const status = async (secret: string) =>
      (await h.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('rotating', secret) }, payload: 'grant_type=client_credentials' })).statusCode;
    assert.equal(await status(old), 200);
    assert.equal(await status(fresh), 200);
    h.t.time.advance(301_000);
    try {
      assert.equal(await status(old), 401);
      assert.equal(await status(fresh), 200);
    } finally {
      h.t.time.advance(-301_000);
    }
  });

  it('deletes a client, then answers 404 for it', async () => {
    await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'doomed' } });
    const deleted = await h.call('DELETE', '/admin/v1/tenants/default/clients/doomed');
    assert.equal(deleted.statusCode, 204);
    assert.equal((await h.call('DELETE', '/admin/v1/tenants/default/clients/doomed')).statusCode, 404);
    assert.equal((await h.call('GET', '/admin/v1/tenants/default/clients/doomed')).statusCode, 404);
  });

  it('refuses a duplicate client id with 409 and a secret in the request stays out of answers', async () => {
    const first = await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'username', secret: 'password' } });
    assert.equal(first.statusCode, 201);
    assert.ok(!first.body.includes('"password"'));
    assert.equal((await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'username' } })).statusCode, 409);
  });

  it('records every change in the audit log with the acting client', async () => {
    const res = await h.call('GET', '/admin/v1/tenants/default/audit?perPage=100');
    const actions = res.json().items.filter((e: { actor: string }) => e.actor === 'client:default/admin').map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    for (const expected of ['client.create billing', 'client.update to-disable', 'client.rotate-secret rotating', 'client.delete doomed']) {
      assert.ok(actions.includes(expected), expected);
    }
    assert.ok(!res.body.includes('password'));
  });

  it('filters the audit log by action, action prefix, actor, target and time, keeping the filters in the links', async () => {
    const actions = async (query: string) => {
      const res = await h.call('GET', `/admin/v1/tenants/default/audit?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return { actions: res.json().items.map((e: { action: string; target: string }) => `${e.action} ${e.target}`), total: res.json().total, link: String(res.headers.link) };
    };
    assert.deepEqual((await actions('action=client.delete')).actions, ['client.delete doomed']);
    const prefixed = await actions('action=client.*&actor=client:default/admin&target=rotating');
    assert.deepEqual(prefixed.actions, ['client.rotate-secret rotating', 'client.create rotating']);
    assert.match(prefixed.link, /action=client\.\*&actor=client%3Adefault%2Fadmin&target=rotating&page=1/);
    const none = await actions('actor=cli:nobody');
    assert.deepEqual({ actions: none.actions, total: none.total }, { actions: [], total: 0 });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal((await actions(`from=${future}`)).total, 0);
    assert.ok((await actions(`to=${future}`)).total > 0);
    const global = await h.call('GET', '/admin/v1/audit?action=client.delete');
    assert.deepEqual(global.json().items.map((e: { target: string }) => e.target), ['doomed']);
  });

  for (const [query, field] of [['from=yesterday', 'from'], ['to=2025-01-31', 'to'], ['action=.*', 'action'], ['actor=', 'actor'], ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'], ['verb=x', 'verb']] as const) {
    it(`refuses the audit filter ${query} with a problem naming ${field}`, async () => {
      const res = await h.call('GET', `/admin/v1/tenants/default/audit?${query}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().field, field);
    });
  }
});

describe('pagination and account filter', () => {
  let p: AdminHarness;
  before(async () => {
    p = await adminHarness();
    await p.call('POST', '/admin/v1/tenants', { body: { id: 'paging', issuer: 'https://paging.test' } });
    for (let i = 0; i < 25; i++) {
      const accounts = [i % 2 === 0 ? '20000' : '20001', ...(i % 5 === 0 ? ['20002'] : [])];
      await p.t.store.clients.createClient({
        tenantId: 'paging', id: `c${String(i).padStart(2, '0')}`, name: 'n', secrets: [], grantTypes: ['client_credentials'], scopes: [], accounts,
        tokenFormat: 'opaque', accessTokenLifetime: null, audience: null, clientType: 'confidential', singleActiveToken: false, rateLimit: {}, attributes: {}, claims: [], enabled: true, createdAt: 0, updatedAt: 0,
      }, AUDITED);
    }
  });
  const list = (query: string) => p.call('GET', `/admin/v1/tenants/paging/clients?${query}`);
  const links = (header: unknown) => Object.fromEntries(String(header).split(', ').map((l) => { const [, url, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(l)!; return [rel, url]; }));

  it('pages with a total, X-Total-Count and first/prev/next/last links', async () => {
    const res = await list('perPage=10&page=2');
    const body = res.json();
    assert.deepEqual({ ids: body.items.map((c: { id: string }) => c.id).join(' '), page: body.page, perPage: body.perPage, total: body.total },
      { ids: 'c10 c11 c12 c13 c14 c15 c16 c17 c18 c19', page: 2, perPage: 10, total: 25 });
    assert.equal(res.headers['x-total-count'], '25');
    assert.deepEqual(links(res.headers.link), {
      first: '/admin/v1/tenants/paging/clients?page=1&perPage=10',
      prev: '/admin/v1/tenants/paging/clients?page=1&perPage=10',
      next: '/admin/v1/tenants/paging/clients?page=3&perPage=10',
      last: '/admin/v1/tenants/paging/clients?page=3&perPage=10',
    });
  });
  it('returns a short last page without a next link', async () => {
    const res = await list('perPage=10&page=3');
    assert.equal(res.json().items.length, 5);
    assert.equal(links(res.headers.link).next, undefined);
  });
  it('returns an empty page past the end, with links back', async () => {
    const res = await list('perPage=10&page=9');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().items, []);
    assert.equal(links(res.headers.link).prev, '/admin/v1/tenants/paging/clients?page=3&perPage=10');
  });
  it('accepts perPage=2000 and refuses perPage=2001 rather than clamping', async () => {
    assert.equal((await list('perPage=2000')).json().items.length, 25);
    const refused = await list('perPage=2001');
    assert.equal(refused.statusCode, 400);
    assert.deepEqual({ field: refused.json().field, detail: refused.json().detail }, { field: 'perPage', detail: 'perPage: must be from 1 to 2000' });
  });
  it('refuses page 0, non-numbers and unknown query parameters', async () => {
    assert.equal((await list('page=0')).json().field, 'page');
    assert.equal((await list('perPage=ten')).json().field, 'perPage');
    assert.equal((await list('sort=id')).json().detail, 'sort: is not a known field');
  });
  it('filters by one account, keeping the filter in the links', async () => {
    const res = await list('account=20002&perPage=2');
    assert.deepEqual(res.json().items.map((c: { id: string }) => c.id), ['c00', 'c05']);
    assert.equal(res.json().total, 5);
    assert.equal(links(res.headers.link).next, '/admin/v1/tenants/paging/clients?account=20002&page=2&perPage=2');
  });
  it('filters by several accounts (any of them)', async () => {
    const res = await list('account=20001,20002&perPage=100');
    assert.equal(res.json().total, 15, '12 odd clients carry 20001, plus c00, c10, c20 carry 20002');
  });
  it('refuses a malformed account number', async () => {
    assert.equal((await list('account=20000,<script>')).json().field, 'account[1]');
  });
});
