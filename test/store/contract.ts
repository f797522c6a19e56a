/**
 * The storage contract: every adapter (memory, sqlite, postgres) must pass
 * these, so the core can rely on the same behaviour everywhere.
 */
import assert from 'node:assert/strict';
import { describe, it, beforeEach, afterEach } from 'node:test';
import type { AccessNumber, AuditEntry, Client, SigningKey, Tenant, TokenRecord } from '../../src/core/model.ts';
import { generateSigningKey } from '../../src/core/tokens/signing-keys.ts';
import { StoreConflictError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/types.ts';

const NOW = Date.UTC(2026, 0, 1);

export function tenant(id: string, hosts: string[] = []): Tenant {
  return { id, issuer: `https://${id}.test`, signingAlg: 'ES256', accessTokenLifetime: 3600, hosts, createdAt: NOW, updatedAt: NOW };
}

export function client(tenantId: string, id: string, overrides: Partial<Client> = {}): Client {
  return {
    tenantId, id, name: id, secrets: [{ hash: 'sha256$abc', createdAt: NOW, expiresAt: null }],
    grantTypes: ['client_credentials'], scopes: ['read', 'write'], accounts: ['20000'], tokenFormat: 'opaque',
    accessTokenLifetime: null, audience: null, enabled: true, createdAt: NOW, updatedAt: NOW, ...overrides,
  };
}

export function token(hash: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash, kind: 'access', tenantId: 't1', clientId: 'c1', subject: 'c1', scope: ['read'], accounts: ['20000', '20001'],
    issuedAt: NOW, expiresAt: NOW + 3600_000, revokedAt: null, familyId: null, username: null, ...overrides,
  };
}

export interface ContractOptions {
  /** A reason to skip the whole suite (the adapter's database is not available here). */
  skip?: string | false;
}

export function storeContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`store contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.tenants.createTenant(tenant('t1', ['auth.t1.test']));
    });
    afterEach(async () => store.close());

    describe('tenants', () => {
      it('reads back a created tenant with its hosts', async () => {
        assert.deepEqual(await store.tenants.getTenant('t1'), tenant('t1', ['auth.t1.test']));
        assert.equal(await store.tenants.getTenant('nope'), undefined);
      });
      it('finds a tenant by host name', async () => {
        assert.equal((await store.tenants.findTenantByHost('auth.t1.test'))?.id, 't1');
        assert.equal(await store.tenants.findTenantByHost('other.test'), undefined);
      });
      it('refuses a duplicate id or a host another tenant owns, writing nothing', async () => {
        await assert.rejects(store.tenants.createTenant(tenant('t1')), StoreConflictError);
        await assert.rejects(store.tenants.createTenant(tenant('t2', ['auth.t1.test'])), StoreConflictError);
        assert.equal(await store.tenants.getTenant('t2'), undefined);
      });
      it('lists tenants ordered by id', async () => {
        await store.tenants.createTenant(tenant('a0'));
        assert.deepEqual((await store.tenants.listTenants()).map((t) => t.id), ['a0', 't1']);
      });
    });

    describe('clients', () => {
      it('round-trips every field', async () => {
        const c = client('t1', 'c1', { tokenFormat: 'jwt', accessTokenLifetime: 60, audience: 'api', enabled: false });
        await store.clients.createClient(c);
        assert.deepEqual(await store.clients.getClient('t1', 'c1'), c);
      });
      it('scopes clients by tenant', async () => {
        await store.tenants.createTenant(tenant('t2'));
        await store.clients.createClient(client('t1', 'same'));
        await store.clients.createClient(client('t2', 'same', { name: 'other' }));
        assert.equal((await store.clients.getClient('t2', 'same'))?.name, 'other');
        assert.deepEqual((await store.clients.listClients('t1')).map((c) => c.id), ['same']);
      });
      it('refuses a duplicate id in one tenant', async () => {
        await store.clients.createClient(client('t1', 'c1'));
        await assert.rejects(store.clients.createClient(client('t1', 'c1')), StoreConflictError);
      });
      it('updates and deletes, reporting whether the client existed', async () => {
        await store.clients.createClient(client('t1', 'c1'));
        assert.equal(await store.clients.updateClient(client('t1', 'c1', { scopes: ['x'] })), true);
        assert.deepEqual((await store.clients.getClient('t1', 'c1'))?.scopes, ['x']);
        assert.equal(await store.clients.updateClient(client('t1', 'ghost')), false);
        assert.equal(await store.clients.deleteClient('t1', 'c1'), true);
        assert.equal(await store.clients.deleteClient('t1', 'c1'), false);
        assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
      });
      it('returns copies: mutating a result changes nothing stored', async () => {
        await store.clients.createClient(client('t1', 'c1'));
        const read = (await store.clients.getClient('t1', 'c1'))!;
        read.scopes.push('admin');
        assert.deepEqual((await store.clients.getClient('t1', 'c1'))?.scopes, ['read', 'write']);
      });
    });

    describe('tokens', () => {
      it('round-trips a token record by hash', async () => {
        const record = token('h1', { familyId: 'f1', username: 'alice', scope: [] });
        await store.tokens.saveToken(record);
        assert.deepEqual(await store.tokens.findToken('h1'), record);
        assert.equal(await store.tokens.findToken('h2'), undefined);
      });
      it('revokes one token once', async () => {
        await store.tokens.saveToken(token('h1'));
        assert.equal(await store.tokens.revokeToken('h1', NOW + 5), true);
        assert.equal(await store.tokens.revokeToken('h1', NOW + 9), false);
        assert.equal((await store.tokens.findToken('h1'))?.revokedAt, NOW + 5);
        assert.equal(await store.tokens.revokeToken('missing', NOW), false);
      });
      it('revokes a whole family and nothing else', async () => {
        await store.tokens.saveToken(token('a', { familyId: 'f1' }));
        await store.tokens.saveToken(token('b', { familyId: 'f1', kind: 'refresh' }));
        await store.tokens.saveToken(token('c', { familyId: 'f2' }));
        assert.equal(await store.tokens.revokeFamily('f1', NOW), 2);
        assert.equal((await store.tokens.findToken('c'))?.revokedAt, null);
      });
      it("revokes a subject's tokens for one client only", async () => {
        await store.tokens.saveToken(token('a', { subject: 'u1' }));
        await store.tokens.saveToken(token('b', { subject: 'u1', clientId: 'c2' }));
        await store.tokens.saveToken(token('c', { subject: 'u2' }));
        assert.equal(await store.tokens.revokeSubjectTokens('t1', 'c1', 'u1', NOW), 1);
        assert.equal((await store.tokens.findToken('b'))?.revokedAt, null);
        assert.equal((await store.tokens.findToken('c'))?.revokedAt, null);
      });
      it('purges expired tokens, earliest first, at most `limit` per call', async () => {
        for (const [hash, expiresAt] of [['e3', NOW - 1], ['e1', NOW - 30], ['live', NOW + 1], ['e2', NOW - 20], ['edge', NOW]] as const) {
          await store.tokens.saveToken(token(hash, { expiresAt }));
        }
        assert.equal(await store.tokens.purgeExpired(NOW, 2), 2);
        assert.equal(await store.tokens.findToken('e1'), undefined);
        assert.equal(await store.tokens.findToken('e2'), undefined);
        assert.ok(await store.tokens.findToken('e3'), 'the third-earliest waits for the next batch');
        assert.equal(await store.tokens.purgeExpired(NOW, 2), 1);
        assert.equal(await store.tokens.purgeExpired(NOW, 2), 0);
        assert.ok(await store.tokens.findToken('live'));
        assert.ok(await store.tokens.findToken('edge'), 'a token expiring exactly at `before` is kept');
      });
      it('purges revoked tokens once they expire, like any other', async () => {
        await store.tokens.saveToken(token('r', { expiresAt: NOW - 1, revokedAt: NOW - 10 }));
        assert.equal(await store.tokens.purgeExpired(NOW, 10), 1);
        assert.equal(await store.tokens.findToken('r'), undefined);
      });
    });

    describe('signing keys', () => {
      const key = (generation: number, overrides: Partial<SigningKey> = {}) =>
        generateSigningKey('t1', 'ES256', NOW + generation, { generation }).then((k) => ({ ...k, ...overrides }));

      it('keeps the first key of a generation when two race for it', async () => {
        const [k1, k2] = await Promise.all([key(1), key(1)]);
        const [a, b] = await Promise.all([store.keys.insertKeyGeneration(k1), store.keys.insertKeyGeneration(k2)]);
        assert.equal(a.kid, b.kid);
        assert.equal((await store.keys.listKeys('t1')).length, 1);
        assert.deepEqual((await store.keys.listKeys('t1'))[0], a);
      });
      it('round-trips a key with its schedule and lists keys oldest first', async () => {
        const first = await key(1);
        const second = await key(2, { activatesAt: NOW + 60_000, retiresAt: NOW + 90_000 });
        await store.keys.insertKeyGeneration(second);
        await store.keys.insertKeyGeneration(first);
        assert.deepEqual(await store.keys.listKeys('t1'), [first, second]);
        assert.deepEqual(await store.keys.listKeys('t2'), []);
      });
      it('keeps one key per generation for each algorithm independently', async () => {
        const es = await key(1);
        const rs = await generateSigningKey('t1', 'EdDSA', NOW, { generation: 1 });
        await store.keys.insertKeyGeneration(es);
        assert.equal((await store.keys.insertKeyGeneration(rs)).kid, rs.kid);
        assert.equal((await store.keys.listKeys('t1')).length, 2);
      });
      it('schedules retirement of older generations once, keeping a retirement already set', async () => {
        await store.keys.insertKeyGeneration(await key(1, { retiresAt: NOW + 5 }));
        await store.keys.insertKeyGeneration(await key(2));
        await store.keys.insertKeyGeneration(await key(3));
        assert.equal(await store.keys.retireKeys('t1', 'ES256', 3, NOW + 100), 1);
        assert.equal(await store.keys.retireKeys('t1', 'EdDSA', 3, NOW + 100), 0);
        assert.deepEqual((await store.keys.listKeys('t1')).map((k) => [k.generation, k.retiresAt]), [[1, NOW + 5], [2, NOW + 100], [3, null]]);
      });
      it("deletes only the tenant's keys retired at or before the instant", async () => {
        await store.tenants.createTenant(tenant('t2'));
        await store.keys.insertKeyGeneration(await key(1, { retiresAt: NOW + 10 }));
        await store.keys.insertKeyGeneration(await key(2, { retiresAt: NOW + 20 }));
        await store.keys.insertKeyGeneration(await key(3));
        await store.keys.insertKeyGeneration({ ...(await key(1, { retiresAt: NOW })), tenantId: 't2' });
        assert.equal(await store.keys.deleteRetiredKeys('t1', NOW + 10), 1);
        assert.deepEqual((await store.keys.listKeys('t1')).map((k) => k.generation), [2, 3]);
        assert.equal((await store.keys.listKeys('t2')).length, 1);
      });
    });

    describe('paging', () => {
      it('pages clients in id order with a total, filtering by any of several accounts', async () => {
        for (const [id, accounts] of [['a', ['20000']], ['b', ['20001']], ['c', ['20000', '20002']], ['d', []]] as const) {
          await store.clients.createClient(client('t1', id, { accounts: [...accounts] }));
        }
        const all = await store.clients.pageClients('t1', { offset: 0, limit: 3 });
        assert.deepEqual({ ids: all.items.map((c) => c.id), total: all.total }, { ids: ['a', 'b', 'c'], total: 4 });
        const last = await store.clients.pageClients('t1', { offset: 3, limit: 3 });
        assert.deepEqual(last.items.map((c) => c.id), ['d']);
        const empty = await store.clients.pageClients('t1', { offset: 10, limit: 3 });
        assert.deepEqual({ n: empty.items.length, total: empty.total }, { n: 0, total: 4 });
        const one = await store.clients.pageClients('t1', { offset: 0, limit: 10, accounts: ['20000'] });
        assert.deepEqual({ ids: one.items.map((c) => c.id), total: one.total }, { ids: ['a', 'c'], total: 2 });
        const several = await store.clients.pageClients('t1', { offset: 0, limit: 10, accounts: ['20001', '20002'] });
        assert.deepEqual(several.items.map((c) => c.id), ['b', 'c']);
      });
    });

    describe('tenant updates', () => {
      it('replaces settings and hosts, refusing a host another tenant owns', async () => {
        await store.tenants.createTenant(tenant('t2', ['t2.test']));
        assert.equal(await store.tenants.updateTenant({ ...tenant('t1', ['new.t1.test']), accessTokenLifetime: 60 }), true);
        const updated = await store.tenants.getTenant('t1');
        assert.deepEqual({ hosts: updated?.hosts, lifetime: updated?.accessTokenLifetime }, { hosts: ['new.t1.test'], lifetime: 60 });
        assert.equal(await store.tenants.findTenantByHost('auth.t1.test'), undefined);
        await assert.rejects(store.tenants.updateTenant(tenant('t1', ['t2.test'])), StoreConflictError);
        assert.deepEqual((await store.tenants.getTenant('t1'))?.hosts, ['new.t1.test'], 'a refused update changes nothing');
        assert.equal(await store.tenants.updateTenant(tenant('ghost')), false);
      });
    });

    describe('access numbers', () => {
      const number = (id: string, n: string): AccessNumber => ({ tenantId: 't1', id, number: n, label: `line ${id}`, createdAt: NOW });
      it('creates, pages in number order, iterates and deletes, refusing a duplicate number', async () => {
        await store.accessNumbers.createAccessNumber(number('2', '+61280000002'));
        await store.accessNumbers.createAccessNumber(number('1', '+61280000001'));
        await assert.rejects(store.accessNumbers.createAccessNumber(number('3', '+61280000001')), StoreConflictError);
        const page = await store.accessNumbers.pageAccessNumbers('t1', { offset: 0, limit: 1 });
        assert.deepEqual({ first: page.items[0], total: page.total }, { first: number('1', '+61280000001'), total: 2 });
        const all = [];
        for await (const n of store.accessNumbers.iterateAccessNumbers('t1')) all.push(n.id);
        assert.deepEqual(all, ['1', '2']);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', '1'), true);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', '1'), false);
      });
      it('iterates more numbers than one read batch, in order', async () => {
        const count = 1234;
        for (let i = 0; i < count; i++) await store.accessNumbers.createAccessNumber(number(`id${i}`, `+6128${String(i).padStart(7, '0')}`));
        let seen = 0;
        let previous = '';
        for await (const n of store.accessNumbers.iterateAccessNumbers('t1')) {
          assert.ok(n.number > previous);
          previous = n.number;
          seen++;
        }
        assert.equal(seen, count);
      });
    });

    describe('audit log', () => {
      it('appends entries and pages them newest first, per tenant or all', async () => {
        const entry = (action: string, tenantId: string | null, at: number): AuditEntry => ({ at, actor: 'cli:root', tenantId, action, target: 'x', details: { field: 'name' } });
        await store.audit.appendAudit(entry('client.create', 't1', NOW));
        await store.audit.appendAudit(entry('tenant.create', null, NOW));
        await store.audit.appendAudit(entry('client.delete', 't1', NOW));
        const t1 = await store.audit.pageAudit('t1', { offset: 0, limit: 10 });
        assert.deepEqual(t1.items.map((e) => e.action), ['client.delete', 'client.create']);
        assert.deepEqual(t1.items[0], entry('client.delete', 't1', NOW));
        const all = await store.audit.pageAudit(undefined, { offset: 1, limit: 1 });
        assert.deepEqual({ actions: all.items.map((e) => e.action), total: all.total }, { actions: ['tenant.create'], total: 3 });
      });
    });

    it('answers ping while open', async () => {
      await store.ping();
    });
  });
}
