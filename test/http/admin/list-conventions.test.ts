/**
 * Seed 000's list conventions hold on every list of the admin API, found
 * from the route table itself (so a list added later is covered): `perPage`
 * up to 2000 and `page` with RFC 8288 links, and the `account` filter, which
 * either filters or, where the items carry no accounts, is refused with a 400
 * problem rather than ignored. A malformed value is a 400 naming it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ADMIN_PREFIX, ADMIN_ROUTES } from '../../../src/http/admin/admin-plugin.ts';
import { TEST_CHANGE } from '../../helpers/fixtures.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';

let h: AdminHarness;

before(async () => {
  h = await adminHarness();
  await h.t.clients.create({ tenantId: 'default', id: 'billing', accounts: ['20000'] }, TEST_CHANGE);
  await h.t.users.create({ tenantId: 'default', username: 'jane', password: 'a long password', accounts: ['20001'] }, TEST_CHANGE);
  await h.t.tessera.admin.accessNumbers.create('default', { number: '+61280001234' }, TEST_CHANGE);
  await h.call('GET', '/.well-known/jwks.json');
});

/** Every route that answers a page (its 200 schema has `items` and `total`). */
const lists = ADMIN_ROUTES.filter((r) => r.method === 'GET' && (r.responses[200]?.schema as { properties?: Record<string, unknown> } | undefined)?.properties?.total !== undefined);
const urlOf = (path: string) => ADMIN_PREFIX + path.replace(':tenantId', 'default');
/** Lists whose items carry account numbers. */
const FILTERED = new Set(['listClients', 'listUsers']);

it('finds the lists to check, and no GET that answers a bare array', () => {
  assert.deepEqual(lists.map((r) => r.operationId).sort(), ['listAccessNumbers', 'listAudit', 'listClients', 'listKeys', 'listTenantAudit', 'listTenants', 'listUsers']);
  const arrays = ADMIN_ROUTES.filter((r) => r.method === 'GET' && (r.responses[200]?.schema as { type?: string } | undefined)?.type === 'array');
  assert.deepEqual(arrays.map((r) => r.operationId), []);
});

for (const route of lists) {
  describe(`${route.operationId} (${route.path})`, () => {
    it('pages with perPage and page, a total, X-Total-Count and Link', async () => {
      const res = await h.call('GET', `${urlOf(route.path)}?perPage=1&page=1`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.ok(body.items.length <= 1);
      assert.deepEqual([body.page, body.perPage], [1, 1]);
      assert.equal(res.headers['x-total-count'], String(body.total));
      assert.match(String(res.headers.link), /rel="first".*rel="last"/);
    });

    it('accepts perPage=2000 and refuses 2001, page 0 and non-numbers with a 400 naming the parameter', async () => {
      assert.equal((await h.call('GET', `${urlOf(route.path)}?perPage=2000`)).statusCode, 200);
      for (const [query, field] of [['perPage=2001', 'perPage'], ['page=0', 'page'], ['perPage=ten', 'perPage']]) {
        const res = await h.call('GET', `${urlOf(route.path)}?${query}`);
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(res.json().field, field, query);
      }
    });

    it(FILTERED.has(route.operationId) ? 'filters by account' : 'refuses the account filter its items cannot satisfy', async () => {
      const res = await h.call('GET', `${urlOf(route.path)}?account=20000,20001`);
      if (FILTERED.has(route.operationId)) {
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().total, 1);
        assert.equal((await h.call('GET', `${urlOf(route.path)}?account=20002`)).json().total, 0);
      } else {
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().field, 'account');
        assert.match(res.json().detail, /carry no accounts/);
      }
    });

    it('refuses a malformed account filter with a 400 naming it', async () => {
      const res = await h.call('GET', `${urlOf(route.path)}?account=20000,,x y`);
      assert.equal(res.statusCode, 400);
      assert.match(res.json().field, /^account/);
    });
  });
}
