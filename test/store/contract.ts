/**
 * The storage contract: every adapter (memory, sqlite, postgres) must pass
 * these, so the core can rely on the same behaviour everywhere.
 */
import assert from 'node:assert/strict';
import { describe, it, beforeEach, afterEach } from 'node:test';
import type { Client, SigningKey, Tenant, TokenRecord } from '../../src/core/model.ts';
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

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
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

    it('answers ping while open', async () => {
      await store.ping();
    });
  });
}
