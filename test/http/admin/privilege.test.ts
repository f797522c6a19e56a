/**
 * Authorization boundaries of the admin API: no principal makes a client
 * more powerful than itself, and only an administrator of every tenant
 * decides which requests and which issuer belong to a tenant.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TEST_CHANGE } from '../../helpers/fixtures.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';

let h: AdminHarness;
let defaultAdmin: string;
let evilAdmin: string;
before(async () => {
  h = await adminHarness();
  await h.t.tenants.create({ id: 'evil', issuer: 'https://evil.example' }, TEST_CHANGE);
  await h.t.tenants.create({ id: 'other', issuer: 'https://other.example' }, TEST_CHANGE);
  // A default-tenant token administering only the default tenant, and a tenant admin of `evil`.
  defaultAdmin = await h.tokenFor('default-admin', ['admin:default']);
  evilAdmin = await h.tokenFor('evil-admin', ['admin'], 'evil');
});

describe('a tenant administrator never creates a client more powerful than itself', () => {
  const refusedScopes = [['admin'], ['admin:other'], ['read', 'admin:default']];
  for (const scopes of refusedScopes) {
    it(`refuses admin:default creating a default-tenant client with ${scopes.join(' ')}: 403 insufficient_scope`, async () => {
      const res = await h.call('POST', '/admin/v1/tenants/default/clients', { token: defaultAdmin, body: { id: `c-${scopes.join('-')}`, scopes } });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error, 'insufficient_scope');
      assert.equal((await h.t.clients.find('default', `c-${scopes.join('-')}`)), undefined);
    });
  }

  it('refuses a tenant admin of evil creating an admin client in its own tenant', async () => {
    const res = await h.call('POST', '/admin/v1/tenants/evil/clients', { token: evilAdmin, body: { id: 'second-admin', scopes: ['admin'] } });
    assert.equal(res.statusCode, 403, res.body);
  });

  it('lets admin:default create, change and re-key a client without admin scopes', async () => {
    const created = await h.call('POST', '/admin/v1/tenants/default/clients', { token: defaultAdmin, body: { id: 'plain', scopes: ['read'] } });
    assert.equal(created.statusCode, 201, created.body);
    const patched = await h.call('PATCH', '/admin/v1/tenants/default/clients/plain', { token: defaultAdmin, body: { scopes: ['read', 'write'] } });
    assert.equal(patched.statusCode, 200, patched.body);
    const rotated = await h.call('POST', '/admin/v1/tenants/default/clients/plain/rotate-secret', { token: defaultAdmin, body: {} });
    assert.equal(rotated.statusCode, 200, rotated.body);
  });

  it('refuses admin:default adding an admin scope to a client by PATCH', async () => {
    await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'to-promote', scopes: ['read'] } });
    const res = await h.call('PATCH', '/admin/v1/tenants/default/clients/to-promote', { token: defaultAdmin, body: { scopes: ['read', 'admin'] } });
    assert.equal(res.statusCode, 403, res.body);
    assert.deepEqual((await h.t.clients.get('default', 'to-promote')).scopes, ['read']);
  });

  for (const [what, method, suffix, body] of [
    ['rotating the secret of', 'POST', '/rotate-secret', {}],
    ['changing', 'PATCH', '', { name: 'mine now' }],
    ['deleting', 'DELETE', '', undefined],
  ] as const) {
    it(`refuses admin:default ${what} the global admin client`, async () => {
      const res = await h.call(method, `/admin/v1/tenants/default/clients/admin${suffix}`, { token: defaultAdmin, body });
      assert.equal(res.statusCode, 403, res.body);
      assert.ok(await h.t.clients.find('default', 'admin'));
    });
  }

  it('lets a global admin create a client with an admin scope', async () => {
    const res = await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'tenant-other-admin', scopes: ['admin:other'] } });
    assert.equal(res.statusCode, 201, res.body);
  });
});

describe('hosts and issuers belong to an administrator of every tenant', () => {
  it('refuses a tenant admin taking over the default tenant’s host and issuer: 403, nothing changes', async () => {
    for (const body of [{ hosts: ['localhost'] }, { issuer: 'https://auth.example.test' }, { hosts: ['localhost'], issuer: 'https://auth.example.test' }]) {
      const res = await h.call('PATCH', '/admin/v1/tenants/evil', { token: evilAdmin, body });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error, 'insufficient_scope');
    }
    const evil = await h.t.tenants.get('evil');
    assert.deepEqual([evil.hosts, evil.issuer], [[], 'https://evil.example']);
    // Requests for the host still reach the default tenant.
    const meta = await h.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server', headers: { host: 'localhost' } });
    assert.equal(meta.json().issuer, 'https://auth.example.test');
  });

  it('still lets a tenant admin change its tenant’s other settings', async () => {
    const res = await h.call('PATCH', '/admin/v1/tenants/evil', { token: evilAdmin, body: { accessTokenLifetime: 600 } });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('answers a global admin giving a tenant another tenant’s issuer with a 409 problem', async () => {
    for (const issuer of ['https://auth.example.test', 'https://auth.example.test/', 'https://AUTH.example.test:443']) {
      const res = await h.call('PATCH', '/admin/v1/tenants/evil', { body: { issuer } });
      assert.equal(res.statusCode, 409, `${issuer}: ${res.body}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.match(res.json().detail, /issuer/);
    }
    const created = await h.call('POST', '/admin/v1/tenants', { body: { id: 'twin', issuer: 'https://other.example' } });
    assert.equal(created.statusCode, 409, created.body);
  });

  it('answers a global admin giving a tenant another tenant’s host with a 409 problem', async () => {
    await h.call('PATCH', '/admin/v1/tenants/other', { body: { hosts: ['other.example'] } });
    const res = await h.call('PATCH', '/admin/v1/tenants/evil', { body: { hosts: ['other.example'] } });
    assert.equal(res.statusCode, 409, res.body);
  });

  it('lets a global admin set a tenant’s own hosts and a fresh issuer', async () => {
    const res = await h.call('PATCH', '/admin/v1/tenants/evil', { body: { hosts: ['evil.example'], issuer: 'https://evil.example/v2' } });
    assert.equal(res.statusCode, 200, res.body);
  });
});
