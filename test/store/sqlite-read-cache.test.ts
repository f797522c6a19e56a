import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { client, tenant } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-read-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describe('sqlite tenant and client lookups stay coherent with the database', () => {
  it("sees another process's change from the next event-loop turn on (a disabled client, a moved host)", async () => {
    const path = join(dir, `rc-${n++}.db`);
    const server = openSqliteStore({ path });
    await server.tenants.createTenant(tenant('t1', ['api.example.com']));
    await server.tenants.createTenant(tenant('t2'));
    await server.clients.createClient(client('t1', 'c1'));
    assert.equal((await server.clients.getClient('t1', 'c1'))?.enabled, true);
    assert.equal((await server.tenants.findTenantByHost('api.example.com'))?.id, 't1');
    assert.equal(await server.tenants.findTenantByHost('new.example.com'), undefined);

    // Another connection (the CLI, another worker) changes the rows behind the cache.
    const cli = new DatabaseSync(path);
    cli.exec("UPDATE clients SET enabled = 0 WHERE id = 'c1'");
    cli.exec("INSERT INTO tenant_hosts (host, tenant_id) VALUES ('new.example.com', 't2')");
    cli.close();
    // Within the turn that already read, the rows read at its start still stand, as a read racing the commit would.
    assert.equal((await server.clients.getClient('t1', 'c1'))?.enabled, true);
    await new Promise((resolve) => setImmediate(resolve));

    assert.equal((await server.clients.getClient('t1', 'c1'))?.enabled, false);
    assert.equal((await server.tenants.findTenantByHost('new.example.com'))?.id, 't2');
    await server.close();
  });

  it("sees this connection's own writes at once", async () => {
    const store = openSqliteStore({ path: join(dir, `rc-${n++}.db`) });
    await store.tenants.createTenant(tenant('t1'));
    const c = client('t1', 'c1');
    await store.clients.createClient(c);
    assert.equal((await store.clients.getClient('t1', 'c1'))?.secrets.length, c.secrets.length);
    await store.clients.updateClient({ ...c, secrets: [], enabled: false });
    const read = await store.clients.getClient('t1', 'c1');
    assert.deepEqual(read?.secrets, []);
    assert.equal(read?.enabled, false);
    await store.clients.deleteClient('t1', 'c1');
    assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
    await store.close();
  });

  it('hands out objects of their own on every hit', async () => {
    const store = openSqliteStore({ path: join(dir, `rc-${n++}.db`) });
    await store.tenants.createTenant(tenant('t1', ['h.example']));
    const first = (await store.tenants.getTenant('t1'))!;
    assert.throws(() => first.hosts.push('mutated'), TypeError);
    first.hosts = ['mine.example'];
    first.issuer = 'mutated';
    const second = (await store.tenants.getTenant('t1'))!;
    assert.notEqual(second, first);
    assert.deepEqual(second.hosts, ['h.example']);
    assert.notEqual(second.issuer, 'mutated');
    await store.close();
  });
});
