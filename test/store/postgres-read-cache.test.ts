/**
 * The PostgreSQL store's cache of tenants and clients: one query per
 * event-loop turn instead of two or three per token request, coherent
 * across instances through `cache_version` (migration 7).
 * Needs TESSERA_TEST_POSTGRES_URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { adminQuery, createTestSchema, postgresSkip } from '../helpers/postgres.ts';
import { client, tenant } from './contract.ts';

const skip = postgresSkip('the PostgreSQL read cache tests');
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('postgres tenant and client lookups stay coherent across instances', { skip }, () => {
  it("sees another instance's change from the next event-loop turn on", async () => {
    const schema = await createTestSchema();
    const a = await openPostgresStore({ connectionString: schema.url });
    const b = await openPostgresStore({ connectionString: schema.url });
    try {
      await a.tenants.createTenant(tenant('t1', ['api.example.com']));
      await a.clients.createClient(client('t1', 'c1'));
      assert.equal((await a.clients.getClient('t1', 'c1'))?.enabled, true);
      assert.equal((await a.tenants.findTenantByHost('api.example.com'))?.id, 't1');
      assert.equal(await a.tenants.findTenantByHost('new.example.com'), undefined);

      // The other instance disables the client and moves a host.
      await b.clients.updateClient(client('t1', 'c1', { enabled: false }));
      await b.tenants.createTenant(tenant('t2', ['new.example.com']));
      await nextTurn();

      assert.equal((await a.clients.getClient('t1', 'c1'))?.enabled, false);
      assert.equal((await a.tenants.findTenantByHost('new.example.com'))?.id, 't2');
    } finally {
      await a.close();
      await b.close();
      await schema.drop();
    }
  });

  it('answers from the cache until cache_version moves (a write behind the triggers is not seen; a raised version is)', async () => {
    const schema = await createTestSchema();
    const store = await openPostgresStore({ connectionString: schema.url });
    try {
      await store.tenants.createTenant(tenant('t1'));
      await store.clients.createClient(client('t1', 'c1', { name: 'before' }));
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before');
      // Changed without the trigger: only a cached answer can still say 'before'.
      await adminQuery(`ALTER TABLE ${schema.name}.clients DISABLE TRIGGER clients_cache_version`);
      await adminQuery(`UPDATE ${schema.name}.clients SET name = 'after' WHERE id = 'c1'`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before', 'served from the cache');
      await adminQuery(`UPDATE ${schema.name}.cache_version SET n = n + 1`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'after', 'the version moved, so the row was read again');
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it("sees this instance's own writes at once, and hands out copies whose nested values are frozen", async () => {
    const schema = await createTestSchema();
    const store = await openPostgresStore({ connectionString: schema.url });
    try {
      await store.tenants.createTenant(tenant('t1'));
      await store.clients.createClient(client('t1', 'c1'));
      const first = (await store.clients.getClient('t1', 'c1'))!;
      first.name = 'mine';
      assert.throws(() => first.scopes.push('admin'), TypeError);
      await store.clients.updateClient(client('t1', 'c1', { enabled: false }));
      const read = (await store.clients.getClient('t1', 'c1'))!;
      assert.equal(read.enabled, false);
      assert.notEqual(read.name, 'mine');
      assert.equal(await store.clients.deleteClient('t1', 'c1'), true);
      assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
