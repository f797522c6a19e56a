/** The management services the CLI and the admin API share: validation, partial updates, audit. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessNumberService } from '../../src/admin/access-numbers.ts';
import { AdminError } from '../../src/admin/admin-error.ts';
import { createTestTessera, TEST_CHANGE } from '../helpers/fixtures.ts';

const who = { actor: 'client:default/admin' };

describe('management services', () => {
  it('audits every change with actor, action and target, and never a secret', async () => {
    const t = await createTestTessera();
    const created = await t.clients.create({ tenantId: 'default', id: 'svc', secret: 'chosen-secret-1' }, who);
    await t.clients.update('default', 'svc', { scopes: ['read'], enabled: false }, who);
    const rotated = await t.clients.rotateSecret('default', 'svc', { overlapSeconds: 60 }, who);
    await t.clients.delete('default', 'svc', who);
    await t.tenants.update('default', { accessTokenLifetime: 120 }, who);
    const { items } = await t.store.audit.pageAudit('default', { offset: 0, limit: 50 });
    assert.deepEqual(
      items.map((e) => [e.actor, e.action, e.target]),
      [
        [who.actor, 'tenant.update', 'default'],
        [who.actor, 'client.delete', 'svc'],
        [who.actor, 'client.rotate-secret', 'svc'],
        [who.actor, 'client.update', 'svc'],
        [who.actor, 'client.create', 'svc'],
        [TEST_CHANGE.actor, 'tenant.create', 'default'],
      ],
    );
    assert.deepEqual(items[3]!.details, { scopes: ['read'], enabled: false });
    const text = JSON.stringify(items);
    assert.equal(created.clientSecret, undefined);
    assert.ok(!text.includes('chosen-secret-1'));
    assert.ok(!text.includes(rotated.clientSecret!));
    assert.ok(!text.includes('argon2') && !text.includes('sha256$'));
  });

  it('applies a partial update to the named settings only', async () => {
    const t = await createTestTessera();
    await t.clients.create({ tenantId: 'default', id: 'svc', scopes: ['a'], accounts: ['20000'] }, who);
    const updated = await t.clients.update('default', 'svc', { accounts: ['20001'] }, who);
    assert.deepEqual({ scopes: updated.scopes, accounts: updated.accounts }, { scopes: ['a'], accounts: ['20001'] });
  });

  const refusals: [string, () => Promise<unknown>, number, RegExp][] = [
    ['an unknown client setting', async () => (await createTestTessera()).clients.update('default', 'x', {}, who), 404, /client 'x' does not exist/],
    ['a bad scope', async () => {
      const t = await createTestTessera();
      await t.clients.create({ tenantId: 'default', id: 'svc' }, who);
      return t.clients.update('default', 'svc', { scopes: ['ok', 'not ok'] }, who);
    }, 400, /scopes\[1\]: must be a scope token/],
    ['a setting that does not exist', async () => {
      const t = await createTestTessera();
      await t.clients.create({ tenantId: 'default', id: 'svc' }, who);
      return t.clients.update('default', 'svc', { secrets: [] } as never, who);
    }, 400, /secrets: is not a known setting/],
    ['an empty grant list', async () => (await createTestTessera()).clients.create({ tenantId: 'default', id: 'svc', grantTypes: [] }, who), 400, /grantTypes: must name at least one/],
    ['a duplicate client', async () => {
      const t = await createTestTessera();
      await t.clients.create({ tenantId: 'default', id: 'svc' }, who);
      return t.clients.create({ tenantId: 'default', id: 'svc' }, who);
    }, 409, /client 'svc' already exists/],
    ['a tenant host another tenant owns', async () => {
      const t = await createTestTessera();
      await t.tenants.create({ id: 'a.test', issuer: 'https://a.test', hosts: ['a.test'] }, who);
      return t.tenants.update('default', { hosts: ['a.test'] }, who);
    }, 409, /host 'a.test' already exists/],
    ['an access number that is not E.164', async () => {
      const t = await createTestTessera();
      return new AccessNumberService(t.store, t.time.clock).create('default', { number: '02 8000 1234' }, who);
    }, 400, /number: must be an E.164 number/],
  ];
  for (const [name, act, status, message] of refusals) {
    it(`refuses ${name} with ${status}, naming what is wrong`, async () => {
      await assert.rejects(act(), (e: unknown) => {
        assert.ok(e instanceof AdminError);
        assert.equal(e.status, status);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
