import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { CacheRegion } from '../../src/store/sqlite/cache-region.ts';
import { ReadCache } from '../../src/store/sqlite/read-cache.ts';
import { SqliteTokenStore } from '../../src/store/sqlite/tokens.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { AUDITED, client, tenant, token } from '../../src/store/contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-read-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/**
 * Tests that show a read served from memory within a turn let one check speak
 * for a minute, so a slow machine cannot turn them into a second check.
 */
const ONE_CHECK_PER_TURN = { cacheCheckMaxAgeMs: 60_000 };

describe('sqlite tenant and client lookups stay coherent with the database', () => {
  it("sees another process's change from the next event-loop turn on (a disabled client, a moved host)", async () => {
    const path = join(dir, `rc-${n++}.db`);
    const server = openSqliteStore({ path, ...ONE_CHECK_PER_TURN });
    await server.tenants.createTenant(tenant('t1', ['api.example.com']), AUDITED);
    await server.tenants.createTenant(tenant('t2'), AUDITED);
    await server.clients.createClient(client('t1', 'c1'), AUDITED);
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
    await store.tenants.createTenant(tenant('t1'), AUDITED);
    const c = client('t1', 'c1');
    await store.clients.createClient(c, AUDITED);
    assert.equal((await store.clients.getClient('t1', 'c1'))?.secrets.length, c.secrets.length);
    await store.clients.updateClient({ ...c, secrets: [], enabled: false }, AUDITED);
    const read = await store.clients.getClient('t1', 'c1');
    assert.deepEqual(read?.secrets, []);
    assert.equal(read?.enabled, false);
    await store.clients.deleteClient('t1', 'c1', AUDITED);
    assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
    await store.close();
  });

  it('hands out one frozen value on every hit, which no caller can change', async () => {
    const store = openSqliteStore({ path: join(dir, `rc-${n++}.db`) });
    await store.tenants.createTenant(tenant('t1', ['h.example']), AUDITED);
    const first = (await store.tenants.getTenant('t1'))!;
    assert.throws(() => (first.hosts as string[]).push('mutated'), TypeError);
    assert.throws(() => ((first as { issuer: string }).issuer = 'mutated'), TypeError);
    const second = (await store.tenants.getTenant('t1'))!;
    assert.equal(second, first, 'a cache hit is the same shared value');
    assert.deepEqual(second.hosts, ['h.example']);
    await store.close();
  });
});

describe('sqlite read cache under several processes', () => {
  it("keeps serving tenant, client and token rows from memory when another process only issues tokens", async () => {
    const path = join(dir, `rc-${n++}.db`);
    const server = openSqliteStore({ path, ...ONE_CHECK_PER_TURN });
    await server.tenants.createTenant(tenant('t1', ['api.example.com']), AUDITED);
    await server.clients.createClient(client('t1', 'c1'), AUDITED);
    await server.tokens.saveToken(token('h1'));
    await new Promise((resolve) => setImmediate(resolve));
    const tenantRow = await server.tenants.findTenantByHost('api.example.com');
    const clientRow = await server.clients.getClient('t1', 'c1');
    const tokenRow = await server.tokens.findToken('h1');
    assert.ok(tenantRow && clientRow && tokenRow);

    // Another worker on the same file issues tokens: inserts only, committed between our turns.
    const worker = new DatabaseSync(path);
    for (let i = 0; i < 3; i++) {
      worker.exec(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at)
        VALUES ('w${i}', 'access', 't1', 'c1', 'c1', 'read', '[]', 1, 2)`);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(await server.tenants.findTenantByHost('api.example.com'), tenantRow, 'the tenant row is still the cached value');
      assert.equal(await server.clients.getClient('t1', 'c1'), clientRow, 'the client row is still the cached value');
      assert.equal(await server.tokens.findToken('h1'), tokenRow, 'the token record is still the cached value');
      assert.equal((await server.tokens.findToken(`w${i}`))?.hash, `w${i}`, "the other worker's new token is found");
    }

    // A revocation or a client change by that worker is seen from the next turn.
    worker.exec("UPDATE tokens SET revoked_at = 42 WHERE hash = 'h1'");
    worker.exec("UPDATE clients SET enabled = 0 WHERE id = 'c1'");
    worker.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await server.tokens.findToken('h1'))?.revokedAt, 42);
    assert.equal((await server.clients.getClient('t1', 'c1'))?.enabled, false);
    await server.close();
  });
});

describe('sqlite token lookups stay coherent with the database', () => {
  async function nextTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  it("sees another process's revocation from the next event-loop turn on, and serves repeated lookups from memory until then", async () => {
    const path = join(dir, `rc-${n++}.db`);
    const server = openSqliteStore({ path, ...ONE_CHECK_PER_TURN });
    await server.tokens.saveToken(token('h1'));
    assert.equal((await server.tokens.findToken('h1'))?.revokedAt, null);

    const cli = new DatabaseSync(path);
    cli.exec("UPDATE tokens SET revoked_at = 42 WHERE hash = 'h1'");
    cli.exec("DELETE FROM tokens WHERE hash = 'nothing'");
    // Same turn: the record read at its start stands (without a cache this would already say 42).
    assert.equal((await server.tokens.findToken('h1'))?.revokedAt, null);
    await nextTurn();
    assert.equal((await server.tokens.findToken('h1'))?.revokedAt, 42);

    // Another process's new token is found from the next turn on, even after a miss was remembered.
    assert.equal(await server.tokens.findToken('h2'), undefined);
    cli.exec(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at)
      VALUES ('h2', 'access', 't1', 'c1', 'c1', 'read', '[]', 1, 2)`);
    cli.close();
    await nextTurn();
    assert.equal((await server.tokens.findToken('h2'))?.expiresAt, 2);
    await server.close();
  });

  it('does not let a check made at the end of a turn speak for the next turn beyond a millisecond', async () => {
    const path = join(dir, `rc-${n++}.db`);
    const server = openSqliteStore({ path });
    await server.tokens.saveToken(token('h1'));
    // The turn's first read happens in its check phase, as after the group commit's setImmediate.
    await new Promise<void>((resolve) =>
      setImmediate(async () => {
        assert.equal((await server.tokens.findToken('h1'))?.revokedAt, null);
        resolve();
      }),
    );
    const cli = new DatabaseSync(path);
    cli.exec("UPDATE tokens SET revoked_at = 42 WHERE hash = 'h1'");
    cli.close();
    // A timer already due when the loop moves on runs in the next iteration's timers phase, before that
    // check's end-of-turn immediate: without the age bound it would still trust the check.
    const seenLater = new Promise((resolve) => setTimeout(async () => resolve((await server.tokens.findToken('h1'))?.revokedAt), 1));
    const until = performance.now() + 3;
    while (performance.now() < until); // keep this turn busy until the timer is due
    const seen = await seenLater;
    assert.equal(seen, 42);
    await server.close();
  });

  it("forgets a save's key after its commit, even when a lookup remembered it absent while the save waited", async () => {
    const path = join(dir, `rc-${n++}.db`);
    await openSqliteStore({ path }).close(); // the schema
    const db = new DatabaseSync(path);
    const tokens = new SqliteTokenStore(db, new ReadCache(db, { maxCheckAgeMs: 60_000 }).region(100, 'tokens'));
    // Someone else's transaction is open on the connection: the save waits for it, and a lookup meanwhile finds nothing.
    db.exec('BEGIN');
    const saved = tokens.saveToken(token('h1'));
    assert.equal(await tokens.findToken('h1'), undefined);
    db.exec('COMMIT');
    await saved;
    assert.equal((await tokens.findToken('h1'))?.hash, 'h1');
    db.close();
  });

  it("sees every one of this connection's own token writes at once, within the turn", async () => {
    const store = openSqliteStore({ path: join(dir, `rc-${n++}.db`) });
    const NOW = token('x').issuedAt;
    const read = async (hash: string) => (await store.tokens.findToken(hash))?.revokedAt;

    // A remembered absence gives way to the save.
    assert.equal(await store.tokens.findToken('a'), undefined);
    await store.tokens.saveToken(token('a'));
    assert.equal(await read('a'), null);

    await store.tokens.revokeToken('a', NOW + 1);
    assert.equal(await read('a'), NOW + 1);

    await store.tokens.saveToken(token('f1', { familyId: 'fam' }));
    assert.equal(await read('f1'), null);
    await store.tokens.revokeFamily('fam', NOW + 2);
    assert.equal(await read('f1'), NOW + 2);

    await store.tokens.saveToken(token('s1', { subject: 'alice', username: 'alice' }));
    assert.equal(await read('s1'), null);
    await store.tokens.revokeSubjectTokens('t1', 'c1', 'alice', NOW + 3);
    assert.equal(await read('s1'), NOW + 3);

    await store.tokens.saveToken(token('u1', { subject: 'bob', username: 'bob' }));
    assert.equal(await read('u1'), null);
    await store.tokens.revokeUserTokens('t1', 'bob', NOW + 4);
    assert.equal(await read('u1'), NOW + 4);

    await store.tokens.saveToken(token('r1', { kind: 'refresh', familyId: 'r' }));
    assert.equal(await read('r1'), null);
    assert.equal((await store.tokens.consumeRefreshToken('r1', NOW + 5)).outcome, 'consumed');
    assert.equal(await read('r1'), NOW + 5);

    await store.tokens.saveToken(token('old', { expiresAt: NOW - 1 }));
    assert.equal((await store.tokens.findToken('old'))?.expiresAt, NOW - 1);
    await store.tokens.purgeExpired(NOW, 100);
    assert.equal(await store.tokens.findToken('old'), undefined);
    await store.close();
  });

  it('keeps tokens in a region of their own: a burst of distinct tokens leaves the tenant and client rows cached', async () => {
    const path = join(dir, `rc-${n++}.db`);
    const store = openSqliteStore({ path, ...ONE_CHECK_PER_TURN });
    await store.tenants.createTenant(tenant('t1'), AUDITED);
    await store.clients.createClient(client('t1', 'c1'), AUDITED);
    await nextTurn();
    assert.equal((await store.clients.getClient('t1', 'c1'))?.enabled, true);
    // 12,000 distinct unknown tokens: more than the token region holds.
    for (let i = 0; i < 12_000; i++) await store.tokens.findToken(`unknown-${i}`);
    // Another connection's write within this turn is not seen: the client row still comes from memory.
    const cli = new DatabaseSync(path);
    cli.exec("UPDATE clients SET enabled = 0 WHERE id = 'c1'");
    cli.close();
    assert.equal((await store.clients.getClient('t1', 'c1'))?.enabled, true);
    await store.close();
  });
});

describe('CacheRegion', () => {
  it('holds at most its bound, checks freshness on every read, and forgets on request', () => {
    let checks = 0;
    const region = new CacheRegion(3, () => checks++);
    let loads = 0;
    const load = (value: string | undefined) => () => {
      loads++;
      return value === undefined ? undefined : { value };
    };
    assert.deepEqual(region.get('a', load('A')), { value: 'A' });
    assert.deepEqual(region.get('a', load('other')), { value: 'A' });
    assert.equal(region.get('gone', load(undefined)), undefined);
    assert.equal(region.get('gone', load('late')), undefined, 'an absence is remembered');
    assert.equal(loads, 2);
    assert.equal(checks, 4);
    assert.ok(Object.isFrozen(region.get('a', load('x'))));
    region.delete('gone');
    assert.deepEqual(region.get('gone', load('late')), { value: 'late' });
    region.get('b', load('B'));
    assert.ok(region.size <= 3);
    region.get('c', load('C'));
    assert.ok(region.size <= 3, `size ${region.size}`);
    region.clear();
    assert.equal(region.size, 0);
  });
});
