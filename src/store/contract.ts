/**
 * The storage contract: every adapter (memory, sqlite, postgres, and any a
 * third party writes) must pass these, so the core can rely on the same
 * behaviour everywhere. It runs under `node:test`:
 *
 * ```ts
 * import { storeContract } from 'tessera/store-contract';
 * storeContract('my-adapter', async () => openMyStore(), { skipTests: { 'tokens: purges expired tokens, earliest first, at most `limit` per call': 'no purge yet' } });
 * ```
 *
 * Each test has a stable name, `<concern>: <behaviour>`, by which `skipTests`
 * can leave it out (with the reason shown in the report).
 */
import assert from 'node:assert/strict';
import { describe, it as nodeIt, beforeEach, afterEach } from 'node:test';
import { DEFAULT_LOGIN_POLICY } from '../core/login-policy.ts';
import { DEFAULT_JWT_PROFILE } from '../core/tokens/jwt-profile.ts';
import type { AccessNumber, AuditEntry, Client, SigningKey, Tenant, TokenRecord, User } from '../core/model.ts';
import { generateSigningKey } from '../core/tokens/signing-keys.ts';
import { StoreConflictError, UnstorableValueError } from '../core/ports/errors.ts';
import type { ActivityCount } from '../core/ports/activity.ts';
import type { AuditFilter } from '../core/ports/audit.ts';
import { AUDIT_CHAIN_GENESIS, verifyAuditChain } from '../core/audit-chain.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import type { Store } from './store.ts';

const NOW = Date.UTC(2026, 0, 1);

export function tenant(id: string, hosts: string[] = []): Tenant {
  return {
    id, issuer: `https://${id}.test`, signingAlg: 'ES256', accessTokenLifetime: 3600, hosts, loginPolicy: DEFAULT_LOGIN_POLICY,
    corsOrigins: [], issuerFollowsServer: false, rateLimit: {}, jwt: DEFAULT_JWT_PROFILE, createdAt: NOW, updatedAt: NOW,
  };
}

export function client(tenantId: string, id: string, overrides: Partial<Client> = {}): Client {
  return {
    tenantId, id, name: id, secrets: [{ hash: 'sha256$abc', createdAt: NOW, expiresAt: null }],
    grantTypes: ['client_credentials'], scopes: ['read', 'write'], accounts: ['20000'], tokenFormat: 'opaque',
    accessTokenLifetime: null, audience: null, clientType: 'confidential', singleActiveToken: false, rateLimit: {}, attributes: {}, claims: [], enabled: true,
    createdAt: NOW, updatedAt: NOW, ...overrides,
  };
}

export function user(tenantId: string, id: string, username: string, overrides: Partial<User> = {}): User {
  return {
    tenantId, id, username, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', role: 'Administrator',
    phoneNumbers: ['+15550100'], accounts: ['20000'], attributes: {}, enabled: true, createdAt: NOW, updatedAt: NOW, ...overrides,
  };
}

export function token(hash: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash, kind: 'access', tenantId: 't1', clientId: 'c1', subject: 'c1', scope: ['read'], accounts: ['20000', '20001'],
    issuedAt: NOW, expiresAt: NOW + 3600_000, revokedAt: null, familyId: null, username: null, ...overrides,
  };
}

/**
 * The audit entry the contract's writes outside the audit tests pass (every
 * management write takes one): installation-wide and dated before the
 * entries the audit tests write, so their tenant pages and time filters do
 * not see it.
 */
export const AUDITED: AuditEntry = Object.freeze({ at: NOW - 60_000, actor: 'cli:contract', tenantId: null, action: 'contract.setup', target: 'x', details: {} });

export interface ContractOptions {
  /** A reason to skip the whole suite (the adapter's database is not available here). */
  skip?: string | false;
  /** Tests to leave out, by their name (`<concern>: <behaviour>`), each with the reason. */
  skipTests?: Readonly<Record<string, string>>;
}

export function storeContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  // The concern of the `describe` a test is declared in: tests are named `<concern>: <behaviour>` for skipTests.
  let concern = '';
  const group = (title: string, body: () => void) =>
    describe(title, () => {
      concern = title;
      body();
    });
  const it = (behaviour: string, fn: () => Promise<void>) => {
    const reason = options.skipTests?.[`${concern}: ${behaviour}`];
    nodeIt(behaviour, reason === undefined ? {} : { skip: reason }, fn);
  };
  describe(`store contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.tenants.createTenant(tenant('t1', ['auth.t1.test']), AUDITED);
    });
    afterEach(async () => store.close());

    group('tenants', () => {
      it('reads back a created tenant with its hosts', async () => {
        assert.deepEqual(await store.tenants.getTenant('t1'), tenant('t1', ['auth.t1.test']));
        assert.equal(await store.tenants.getTenant('nope'), undefined);
      });
      it('reads back a tenant whose issuer follows the server and which allows browser origins', async () => {
        const t = { ...tenant('t3'), corsOrigins: ['*', 'https://app.t3.test'], issuerFollowsServer: true };
        await store.tenants.createTenant(t, AUDITED);
        assert.deepEqual(await store.tenants.getTenant('t3'), t);
      });
      it('finds a tenant by host name', async () => {
        assert.equal((await store.tenants.findTenantByHost('auth.t1.test'))?.id, 't1');
        assert.equal(await store.tenants.findTenantByHost('other.test'), undefined);
      });
      it('refuses a duplicate id or a host another tenant owns, writing nothing', async () => {
        await assert.rejects(store.tenants.createTenant(tenant('t1'), AUDITED), StoreConflictError);
        await assert.rejects(store.tenants.createTenant(tenant('t2', ['auth.t1.test']), AUDITED), StoreConflictError);
        assert.equal(await store.tenants.getTenant('t2'), undefined);
      });
      it('lists tenants ordered by id', async () => {
        await store.tenants.createTenant(tenant('a0'), AUDITED);
        assert.deepEqual((await store.tenants.listTenants()).map((t) => t.id), ['a0', 't1']);
      });
      it('stores a tenant\'s rate-limit overrides, and none', async () => {
        const rateLimit = { login: { limit: 5, window: 60 }, token: 'off' as const, secretLockout: { maxFailures: 3, waitIncrement: 30, maxWait: 600, failureReset: 3600 } };
        await store.tenants.createTenant({ ...tenant('rl'), rateLimit }, AUDITED);
        assert.deepEqual((await store.tenants.getTenant('rl'))?.rateLimit, rateLimit);
        await store.tenants.updateTenant({ ...tenant('rl'), rateLimit: {} }, AUDITED);
        assert.deepEqual((await store.tenants.getTenant('rl'))?.rateLimit, {});
      });
      it('updates settings, login policy and hosts, keeping id and creation time', async () => {
        const loginPolicy = {
          lockout: { maxFailures: 3, waitIncrement: 30, maxWait: 600, failureReset: 3600 },
          refreshTokenLifetime: 86400, refreshTokenReuseGrace: 0, defaultPublicClient: 'app',
        };
        const jwt = { issuer: 'Deyel', typ: 'none' as const, keyIds: 'generation' as const, claims: [{ claim: 'company', value: 'CST' }, { claim: 'org', clientAttribute: 'orgUnit' }] };
        const changed = {
          ...tenant('t1'), accessTokenLifetime: 60, loginPolicy, jwt, hosts: ['moved.t1.test'], corsOrigins: ['https://app.t1.test', 'http://localhost:5173'],
          issuerFollowsServer: true, createdAt: 1, updatedAt: NOW + 1,
        };
        assert.equal(await store.tenants.updateTenant(changed, AUDITED), true);
        assert.deepEqual(await store.tenants.getTenant('t1'), { ...changed, createdAt: NOW });
        assert.equal(await store.tenants.updateTenant(tenant('ghost'), AUDITED), false);
      });
    });

    group('clients', () => {
      it('round-trips every field', async () => {
        const c = client('t1', 'c1', {
          tokenFormat: 'jwt', accessTokenLifetime: 60, audience: 'api', enabled: false, clientType: 'public', singleActiveToken: true, secrets: [],
          rateLimit: { token: { limit: 100, window: 10 }, introspection: 'off' },
          attributes: { orgUnit: '0000000001', nested: { list: [1, 'two', null, false] } },
          claims: [{ claim: 'sub', clientAttribute: 'login' }, { claim: 'perm', value: { a: [1] } }, { claim: 'email', userAttribute: 'email' }],
        });
        await store.clients.createClient(c, AUDITED);
        assert.deepEqual(await store.clients.getClient('t1', 'c1'), c);
        await store.clients.updateClient({ ...c, rateLimit: {} }, AUDITED);
        assert.deepEqual((await store.clients.getClient('t1', 'c1'))?.rateLimit, {});
      });
      it('scopes clients by tenant', async () => {
        await store.tenants.createTenant(tenant('t2'), AUDITED);
        await store.clients.createClient(client('t1', 'same'), AUDITED);
        await store.clients.createClient(client('t2', 'same', { name: 'other' }), AUDITED);
        assert.equal((await store.clients.getClient('t2', 'same'))?.name, 'other');
        assert.deepEqual((await store.clients.listClients('t1')).map((c) => c.id), ['same']);
      });
      it('refuses a duplicate id in one tenant', async () => {
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        await assert.rejects(store.clients.createClient(client('t1', 'c1'), AUDITED), StoreConflictError);
      });
      it('updates and deletes, reporting whether the client existed', async () => {
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        assert.equal(await store.clients.updateClient(client('t1', 'c1', { scopes: ['x'] }), AUDITED), true);
        assert.deepEqual((await store.clients.getClient('t1', 'c1'))?.scopes, ['x']);
        assert.equal(await store.clients.updateClient(client('t1', 'ghost'), AUDITED), false);
        assert.equal(await store.clients.deleteClient('t1', 'c1', AUDITED), true);
        assert.equal(await store.clients.deleteClient('t1', 'c1', AUDITED), false);
        assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
      });
      it('returns read-only values: every field and nested value is frozen, nothing stored can change through them', async () => {
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        const read = (await store.clients.getClient('t1', 'c1'))!;
        assert.throws(() => (read.scopes as string[]).push('admin'), TypeError);
        assert.throws(() => ((read.secrets[0] as { hash: string }).hash = 'x'), TypeError);
        assert.throws(() => ((read as { name: string }).name = 'changed'), TypeError);
        const again = (await store.clients.getClient('t1', 'c1'))!;
        assert.deepEqual(again.scopes, ['read', 'write']);
        const t = (await store.tenants.getTenant('t1'))!;
        assert.throws(() => (t.hosts as string[]).push('evil.example'), TypeError);
        assert.throws(() => ((t.loginPolicy as { refreshTokenLifetime: number }).refreshTokenLifetime = 0), TypeError);
        assert.throws(() => ((t as { issuer: string }).issuer = 'https://changed.example'), TypeError);
        assert.equal(Object.isFrozen((await store.tenants.listTenants())[0]), true);
      });
    });


    group('users', () => {
      beforeEach(async () => {
        await store.users.createUser(user('t1', 'u1', 'alice'), AUDITED);
      });
      it('round-trips every field, by id and by username', async () => {
        const u = user('t1', 'u2', 'bob@example.com', { role: 'Reader', phoneNumbers: [], accounts: ['1', '2'], attributes: { email: 'bob@example.com', level: 3 }, enabled: false });
        await store.users.createUser(u, AUDITED);
        assert.deepEqual(await store.users.getUser('t1', 'u2'), u);
        assert.deepEqual(await store.users.findUserByUsername('t1', 'bob@example.com'), u);
        assert.equal(await store.users.findUserByUsername('t1', 'carol'), undefined);
        assert.equal(await store.users.getUser('t1', 'nope'), undefined);
      });
      it('refuses a duplicate id or username in one tenant, and allows the same username in another', async () => {
        await assert.rejects(store.users.createUser(user('t1', 'u1', 'other'), AUDITED), StoreConflictError);
        await assert.rejects(store.users.createUser(user('t1', 'u9', 'alice'), AUDITED), StoreConflictError);
        await store.tenants.createTenant(tenant('t2'), AUDITED);
        await store.users.createUser(user('t2', 'u9', 'alice'), AUDITED);
        assert.equal((await store.users.findUserByUsername('t2', 'alice'))?.id, 'u9');
        assert.equal((await store.users.findUserByUsername('t1', 'alice'))?.id, 'u1');
      });
      it('keeps a username as created, finds it by its normal form, and refuses it again in another letter case', async () => {
        const u = user('t1', 'u2', 'Jane.Doe@Example.com');
        await store.users.createUser(u, AUDITED);
        assert.deepEqual(await store.users.findUserByUsername('t1', 'jane.doe@example.com'), u);
        assert.equal((await store.users.getUser('t1', 'u2'))?.username, 'Jane.Doe@Example.com');
        await assert.rejects(store.users.createUser(user('t1', 'u3', 'JANE.DOE@EXAMPLE.COM'), AUDITED), StoreConflictError);
        await assert.rejects(store.users.updateUser(user('t1', 'u1', 'jane.doe@example.COM'), AUDITED), StoreConflictError);
        assert.equal(await store.users.updateUser({ ...u, username: 'JANE.DOE@example.com' }, AUDITED), true, 'a user may change the case of their own name');
        assert.equal((await store.users.findUserByUsername('t1', 'jane.doe@example.com'))?.username, 'JANE.DOE@example.com');
        const names = (await store.users.pageUsers('t1', { offset: 0, limit: 10 })).items.map((x) => x.username);
        assert.deepEqual(names, ['alice', 'JANE.DOE@example.com']);
        await store.users.createUser(user('t1', 'u4', 'Bob'), AUDITED);
        assert.deepEqual((await store.users.pageUsers('t1', { offset: 0, limit: 10 })).items.map((x) => x.username), ['alice', 'Bob', 'JANE.DOE@example.com'], 'ordered whatever the case');
      });
      it('updates a user, refusing a rename onto a taken username', async () => {
        await store.users.createUser(user('t1', 'u2', 'bob'), AUDITED);
        assert.equal(await store.users.updateUser(user('t1', 'u1', 'alice2', { role: 'Reader' }), AUDITED), true);
        assert.equal((await store.users.findUserByUsername('t1', 'alice2'))?.role, 'Reader');
        assert.equal(await store.users.findUserByUsername('t1', 'alice'), undefined);
        await assert.rejects(store.users.updateUser(user('t1', 'u1', 'bob'), AUDITED), StoreConflictError);
        assert.equal((await store.users.getUser('t1', 'u1'))?.username, 'alice2');
        assert.equal(await store.users.updateUser(user('t1', 'ghost', 'ghost'), AUDITED), false);
      });
      it('deletes a user with its lock state, reporting whether it existed', async () => {
        await store.lockouts.recordFailure('t1', 'u1', { at: NOW, address: '10.0.0.1', countSince: 0 });
        assert.equal(await store.users.deleteUser('t1', 'u1', AUDITED), true);
        assert.equal(await store.users.deleteUser('t1', 'u1', AUDITED), false);
        assert.equal(await store.users.getUser('t1', 'u1'), undefined);
        await store.users.createUser(user('t1', 'u1', 'alice'), AUDITED);
        assert.equal((await store.lockouts.getLockState('t1', 'u1')).failedCount, 0);
      });
      it("pages a tenant's users by username with a total, filtering by accounts", async () => {
        for (const [name, accounts] of [['dave', ['20001']], ['bob', ['20000']], ['carol', ['20000', '20002']]] as const) {
          await store.users.createUser({ ...user('t1', `id-${name}`, name), accounts: [...accounts] }, AUDITED);
        }
        const all = await store.users.pageUsers('t1', { offset: 0, limit: 10 });
        assert.deepEqual({ names: all.items.map((u) => u.username), total: all.total }, { names: ['alice', 'bob', 'carol', 'dave'], total: 4 });
        const middle = await store.users.pageUsers('t1', { offset: 1, limit: 2 });
        assert.deepEqual(middle.items.map((u) => u.username), ['bob', 'carol']);
        const filtered = await store.users.pageUsers('t1', { offset: 0, limit: 10, accounts: ['20001', '20002'] });
        assert.deepEqual({ names: filtered.items.map((u) => u.username), total: filtered.total }, { names: ['carol', 'dave'], total: 2 });
        assert.deepEqual(await store.users.pageUsers('other', { offset: 0, limit: 10 }), { items: [], total: 0 });
      });
      it('iterates every user by username, across read batches', async () => {
        for (let i = 0; i < 1203; i++) await store.users.createUser(user('t1', `id-${i}`, `user${String(i).padStart(5, '0')}`), AUDITED);
        let count = 0;
        let previous = '';
        for await (const u of store.users.iterateUsers('t1')) {
          assert.ok(u.username > previous);
          previous = u.username;
          count++;
        }
        assert.equal(count, 1204, 'the 1203 users plus alice');
      });
    });

    const lockoutKinds = [
      { name: 'user', port: () => store.lockouts, add: (id: string) => store.users.createUser(user('t1', id, `name-${id}`), AUDITED), remove: (id: string) => store.users.deleteUser('t1', id, AUDITED) },
      { name: 'client', port: () => store.clientLockouts, add: (id: string) => store.clients.createClient(client('t1', id), AUDITED), remove: (id: string) => store.clients.deleteClient('t1', id, AUDITED) },
    ];
    for (const kind of lockoutKinds) group(`${kind.name} lockouts`, () => {
      const zero = { failedCount: 0, lockedUntil: null, lastFailureAt: null, lastFailureAddress: null };
      const lockouts = (): LockoutStore => kind.port();
      beforeEach(async () => {
        await kind.add('u1');
      });
      it('reads an all-zero state for a user who never failed', async () => {
        assert.deepEqual(await lockouts().getLockState('t1', 'u1'), zero);
      });
      it('counts consecutive failures, recording the last time and address', async () => {
        await lockouts().recordFailure('t1', 'u1', { at: NOW, address: '10.0.0.1', countSince: 0 });
        const second = await lockouts().recordFailure('t1', 'u1', { at: NOW + 5, address: null, countSince: 0 });
        assert.deepEqual(second, { failedCount: 2, lockedUntil: null, lastFailureAt: NOW + 5, lastFailureAddress: null });
        assert.deepEqual(await lockouts().getLockState('t1', 'u1'), second);
      });
      it('starts the count afresh when the previous failure is older than countSince', async () => {
        await lockouts().recordFailure('t1', 'u1', { at: NOW, address: 'a', countSince: 0 });
        await lockouts().recordFailure('t1', 'u1', { at: NOW + 1, address: 'a', countSince: 0 });
        const fresh = await lockouts().recordFailure('t1', 'u1', { at: NOW + 100, address: 'b', countSince: NOW + 2 });
        assert.equal(fresh.failedCount, 1);
        const counted = await lockouts().recordFailure('t1', 'u1', { at: NOW + 101, address: 'b', countSince: NOW + 100 });
        assert.equal(counted.failedCount, 2, 'a failure exactly at countSince still counts');
      });
      it('gives each of many concurrent failures its own count (atomic increment)', async () => {
        const states = await Promise.all(
          Array.from({ length: 20 }, (_, i) => lockouts().recordFailure('t1', 'u1', { at: NOW + i, address: null, countSince: 0 })),
        );
        assert.deepEqual(states.map((s) => s.failedCount).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
        assert.equal((await lockouts().getLockState('t1', 'u1')).failedCount, 20);
      });
      it('reserves at most maxFailures of many concurrent attempts, locking at the last one reserved', async () => {
        const policy = { maxFailures: 5, waitIncrement: 60, maxWait: 900, failureReset: 3600 };
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => lockouts().reserveAttempt('t1', 'u1', { at: NOW + i, address: null, policy })),
        );
        const reserved = results.filter((r) => r.reserved);
        assert.equal(reserved.length, 5);
        assert.deepEqual(reserved.map((r) => r.state.failedCount).sort((a, b) => a - b), [1, 2, 3, 4, 5]);
        const locker = reserved.find((r) => r.state.failedCount === 5)!;
        assert.ok(locker.lockedUntil !== null && locker.lockedUntil >= NOW + 60_000);
        assert.equal(reserved.filter((r) => r.lockedUntil !== null).length, 1, 'one reservation starts the lock');
        const state = await lockouts().getLockState('t1', 'u1');
        assert.deepEqual([state.failedCount, state.lockedUntil], [5, locker.lockedUntil]);
        // Once the lock has passed, the count goes on towards the next, longer lock.
        const after = await lockouts().reserveAttempt('t1', 'u1', { at: locker.lockedUntil!, address: 'x', policy });
        assert.deepEqual([after.reserved, after.state.failedCount, after.state.lastFailureAddress], [true, 6, 'x']);
      });
      it('locks until an instant and never shortens a longer lock', async () => {
        await lockouts().lockUntil('t1', 'u1', NOW + 60_000);
        await lockouts().lockUntil('t1', 'u1', NOW + 30_000);
        assert.equal((await lockouts().getLockState('t1', 'u1')).lockedUntil, NOW + 60_000);
        await lockouts().lockUntil('t1', 'u1', NOW + 90_000);
        assert.equal((await lockouts().getLockState('t1', 'u1')).lockedUntil, NOW + 90_000);
      });
      it('clears count and lock but keeps the last failure on record', async () => {
        await lockouts().recordFailure('t1', 'u1', { at: NOW, address: '10.0.0.1', countSince: 0 });
        await lockouts().lockUntil('t1', 'u1', NOW + 60_000);
        await lockouts().clearFailures('t1', 'u1');
        assert.deepEqual(await lockouts().getLockState('t1', 'u1'), { ...zero, lastFailureAt: NOW, lastFailureAddress: '10.0.0.1' });
        await lockouts().clearFailures('t1', 'nobody');
      });
      it(`keeps ${kind.name}s apart, and forgets a deleted one's record`, async () => {
        await kind.add('u2');
        await lockouts().recordFailure('t1', 'u1', { at: NOW, address: null, countSince: 0 });
        assert.equal((await lockouts().getLockState('t1', 'u2')).failedCount, 0);
        await kind.remove('u1');
        await kind.add('u1');
        assert.deepEqual(await lockouts().getLockState('t1', 'u1'), zero, 'a new one of the same id starts clean');
      });
    });

    it('keeps user and client lockouts apart', async () => {
      await store.users.createUser(user('t1', 'same', 'same-name'), AUDITED);
      await store.clients.createClient(client('t1', 'same'), AUDITED);
      await store.clientLockouts.recordFailure('t1', 'same', { at: NOW, address: null, countSince: 0 });
      assert.equal((await store.lockouts.getLockState('t1', 'same')).failedCount, 0);
      assert.equal((await store.clientLockouts.getLockState('t1', 'same')).failedCount, 1);
    });


    group('tokens', () => {
      it('round-trips a token record by hash', async () => {
        const record = token('h1', { familyId: 'f1', username: 'alice', scope: [] });
        await store.tokens.saveToken(record);
        assert.deepEqual(await store.tokens.findToken('h1'), record);
        assert.equal(await store.tokens.findToken('h2'), undefined);
      });
      it('hands out read-only records: fields and lists frozen, the stored record unchanged', async () => {
        await store.tokens.saveToken(token('h1'));
        const first = (await store.tokens.findToken('h1'))!;
        assert.throws(() => (first.scope as string[]).push('admin'), TypeError);
        assert.throws(() => (first.accounts as string[]).push('99999'), TypeError);
        assert.throws(() => ((first as { revokedAt: number | null }).revokedAt = NOW), TypeError);
        const second = (await store.tokens.findToken('h1'))!;
        assert.equal(second.revokedAt, null);
        assert.deepEqual(second.scope, ['read']);
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
      it("keeps the answering login's family when revoking a subject's tokens", async () => {
        await store.tokens.saveToken(token('old', { subject: 'u1', familyId: 'f-old' }));
        await store.tokens.saveToken(token('client-grant', { subject: 'u1', familyId: null }));
        await store.tokens.saveToken(token('new', { subject: 'u1', familyId: 'f-new', kind: 'refresh' }));
        assert.equal(await store.tokens.revokeSubjectTokens('t1', 'c1', 'u1', NOW, 'f-new'), 2);
        assert.equal((await store.tokens.findToken('new'))?.revokedAt, null);
        assert.equal((await store.tokens.findToken('client-grant'))?.revokedAt, NOW);
      });
      it("leaves a client's own client-credentials tokens when revoking a subject's tokens", async () => {
        await store.tokens.saveToken(token('machine', { subject: 'c1', username: null }));
        await store.tokens.saveToken(token('login', { subject: 'c1', username: 'c1', familyId: 'f1' }));
        assert.equal(await store.tokens.revokeSubjectTokens('t1', 'c1', 'c1', NOW, 'f2'), 1, 'a user whose id is the client id is still revoked');
        assert.equal((await store.tokens.findToken('machine'))?.revokedAt, null);
        assert.equal((await store.tokens.findToken('login'))?.revokedAt, NOW);
      });
      it("revokes a user's tokens across clients, and no client's own tokens", async () => {
        await store.tokens.saveToken(token('a', { subject: 'u1', username: 'alice' }));
        await store.tokens.saveToken(token('b', { subject: 'u1', username: 'alice', clientId: 'c2', kind: 'refresh' }));
        await store.tokens.saveToken(token('c', { subject: 'u1', username: null }));
        await store.tokens.saveToken(token('d', { subject: 'u2', username: 'bob' }));
        assert.equal(await store.tokens.revokeUserTokens('t1', 'u1', NOW), 2);
        assert.equal((await store.tokens.findToken('c'))?.revokedAt, null);
        assert.equal((await store.tokens.findToken('d'))?.revokedAt, null);
      });
      it('consumes a refresh token once, then reports its reuse with the time of use', async () => {
        const record = token('r1', { kind: 'refresh', familyId: 'f1' });
        await store.tokens.saveToken(record);
        assert.deepEqual(await store.tokens.consumeRefreshToken('r1', NOW + 10), { outcome: 'consumed', record: { ...record, revokedAt: NOW + 10 } });
        assert.deepEqual(await store.tokens.consumeRefreshToken('r1', NOW + 20), { outcome: 'reused', record: { ...record, revokedAt: NOW + 10 }, usedAt: NOW + 10 });
        assert.equal((await store.tokens.findToken('r1'))?.revokedAt, NOW + 10, 'a used token reads as revoked');
      });
      it('lets exactly one of many concurrent requests consume a refresh token', async () => {
        await store.tokens.saveToken(token('r1', { kind: 'refresh' }));
        const uses = await Promise.all(Array.from({ length: 10 }, (_, i) => store.tokens.consumeRefreshToken('r1', NOW + i)));
        assert.equal(uses.filter((u) => u.outcome === 'consumed').length, 1);
        assert.equal(uses.filter((u) => u.outcome === 'reused').length, 9);
      });
      it('stores the replacement in the step that consumes, and only then', async () => {
        await store.tokens.saveToken(token('r1', { kind: 'refresh', familyId: 'f1' }));
        assert.equal((await store.tokens.consumeRefreshToken('r1', NOW + 1, token('r2', { kind: 'refresh', familyId: 'f1' }))).outcome, 'consumed');
        assert.equal((await store.tokens.findToken('r2'))?.revokedAt, null);
        assert.equal((await store.tokens.consumeRefreshToken('r1', NOW + 2, token('r3', { kind: 'refresh', familyId: 'f1' }))).outcome, 'reused');
        assert.equal(await store.tokens.findToken('r3'), undefined, 'a token that was not consumed stores no replacement');
        // A revocation with a replacement puts it in place of what it revoked; with nothing left to revoke, stores nothing.
        assert.equal(await store.tokens.revokeFamily('f1', NOW + 3, token('r4', { kind: 'refresh', familyId: 'f1' })), 1);
        assert.equal((await store.tokens.findToken('r4'))?.revokedAt, null);
        await store.tokens.revokeFamily('f1', NOW + 4);
        assert.equal(await store.tokens.revokeFamily('f1', NOW + 5, token('r5', { kind: 'refresh', familyId: 'f1' })), 0);
        assert.equal(await store.tokens.findToken('r5'), undefined);
      });
      it('never leaves a family two live refresh tokens, however consumptions and retries interleave', async () => {
        for (let round = 0; round < 5; round++) {
          const family = `fam${round}`;
          await store.tokens.saveToken(token(`${family}-r0`, { kind: 'refresh', familyId: family }));
          // What parallel refreshes of one token do: each consumes with its own replacement, and those that
          // find it used retry by replacing the family's live token with theirs.
          await Promise.all(Array.from({ length: 10 }, async (_, i) => {
            const next = token(`${family}-n${i}`, { kind: 'refresh', familyId: family });
            const use = await store.tokens.consumeRefreshToken(`${family}-r0`, NOW + i, next);
            if (use.outcome === 'reused') await store.tokens.revokeFamily(family, NOW + i, next);
          }));
          const live = [];
          for (let i = 0; i < 10; i++) if ((await store.tokens.findToken(`${family}-n${i}`))?.revokedAt === null) live.push(i);
          assert.equal(live.length, 1, `round ${round}: live refresh tokens ${JSON.stringify(live)}`);
        }
      });
      it('tells whether a refresh token is still live, and never lets a token stored before the look outlive a revocation it missed', async () => {
        await store.tokens.saveToken(token('r1', { kind: 'refresh', familyId: 'f1' }));
        assert.equal(await store.tokens.findToken('r1') !== undefined, true, 'read once, so a cache may hold it');
        assert.equal(await store.tokens.refreshTokenLive('r1', 'f1'), true);
        await store.tokens.revokeFamily('f1', NOW + 1);
        assert.equal(await store.tokens.refreshTokenLive('r1', 'f1'), false);
        assert.equal(await store.tokens.refreshTokenLive('missing', 'f1'), false);
        // What the refresh grant does against a concurrent revocation: store its access token, then look.
        for (let round = 0; round < 10; round++) {
          const family = `race${round}`;
          await store.tokens.saveToken(token(`${family}-r`, { kind: 'refresh', familyId: family }));
          const [live] = await Promise.all([
            store.tokens.saveToken(token(`${family}-a`, { familyId: family })).then(() => store.tokens.refreshTokenLive(`${family}-r`, family)),
            store.tokens.revokeFamily(family, NOW + round),
          ]);
          const access = await store.tokens.findToken(`${family}-a`);
          assert.equal(live && access?.revokedAt === null, false, `round ${round}: the look saw a live family, and the revocation missed the access token`);
        }
      });
      it('tells a revoked refresh token from a used one, and refuses what is not a refresh token', async () => {
        await store.tokens.saveToken(token('r1', { kind: 'refresh', familyId: 'f1' }));
        await store.tokens.revokeFamily('f1', NOW + 1);
        assert.equal((await store.tokens.consumeRefreshToken('r1', NOW + 2)).outcome, 'revoked');
        await store.tokens.saveToken(token('a1'));
        assert.deepEqual(await store.tokens.consumeRefreshToken('a1', NOW), { outcome: 'unknown' });
        assert.equal((await store.tokens.findToken('a1'))?.revokedAt, null, 'an access token is never consumed');
        assert.deepEqual(await store.tokens.consumeRefreshToken('missing', NOW), { outcome: 'unknown' });
      });
    });

    group('signing keys', () => {
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
        await store.tenants.createTenant(tenant('t2'), AUDITED);
        await store.keys.insertKeyGeneration(await key(1, { retiresAt: NOW + 10 }));
        await store.keys.insertKeyGeneration(await key(2, { retiresAt: NOW + 20 }));
        await store.keys.insertKeyGeneration(await key(3));
        await store.keys.insertKeyGeneration({ ...(await key(1, { retiresAt: NOW })), tenantId: 't2' });
        assert.equal(await store.keys.deleteRetiredKeys('t1', NOW + 10), 1);
        assert.deepEqual((await store.keys.listKeys('t1')).map((k) => k.generation), [2, 3]);
        assert.equal((await store.keys.listKeys('t2')).length, 1);
      });
      it("revokes one key of one tenant and raises that tenant's keysRevision with it", async () => {
        await store.tenants.createTenant(tenant('t2'), AUDITED);
        const [k1, k2] = [await key(1), await key(2)];
        await store.keys.insertKeyGeneration(k1);
        await store.keys.insertKeyGeneration(k2);
        await store.keys.insertKeyGeneration({ ...(await key(1)), tenantId: 't2' });
        const before = (await store.tenants.getTenant('t1'))!.keysRevision ?? 0;
        assert.equal(await store.keys.revokeKey('t2', k1.kid, AUDITED), false, 'another tenant cannot revoke the key');
        assert.equal(await store.keys.revokeKey('t1', k1.kid, AUDITED), true);
        assert.equal(await store.keys.revokeKey('t1', k1.kid, AUDITED), false);
        assert.deepEqual((await store.keys.listKeys('t1')).map((k) => k.kid), [k2.kid]);
        assert.equal((await store.tenants.getTenant('t1'))!.keysRevision, before + 1);
        assert.equal((await store.tenants.getTenant('t2'))!.keysRevision ?? 0, 0);
        assert.equal((await store.keys.listKeys('t2')).length, 1);
      });
      it('deletes private halves and keeps the public ones', async () => {
        const [k1, k2] = [await key(1), await key(2)];
        await store.keys.insertKeyGeneration(k1);
        await store.keys.insertKeyGeneration(k2);
        assert.equal(await store.keys.deletePrivateKeys('t1', [k1.kid, 'missing']), 1);
        assert.equal(await store.keys.deletePrivateKeys('t1', [k1.kid]), 0);
        assert.equal(await store.keys.deletePrivateKeys('t1', []), 0);
        const [a, b] = await store.keys.listKeys('t1');
        assert.deepEqual([a!.privateJwk, a!.publicJwk], [null, k1.publicJwk]);
        assert.deepEqual(b!.privateJwk, k2.privateJwk);
      });
    });

    group('paging', () => {
      it('pages clients in id order with a total, filtering by any of several accounts', async () => {
        for (const [id, accounts] of [['a', ['20000']], ['b', ['20001']], ['c', ['20000', '20002']], ['d', []]] as const) {
          await store.clients.createClient(client('t1', id, { accounts: [...accounts] }), AUDITED);
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

    group('tenant updates', () => {
      it('replaces settings and hosts, refusing a host another tenant owns', async () => {
        await store.tenants.createTenant(tenant('t2', ['t2.test']), AUDITED);
        assert.equal(await store.tenants.updateTenant({ ...tenant('t1', ['new.t1.test']), accessTokenLifetime: 60 }, AUDITED), true);
        const updated = await store.tenants.getTenant('t1');
        assert.deepEqual({ hosts: updated?.hosts, lifetime: updated?.accessTokenLifetime }, { hosts: ['new.t1.test'], lifetime: 60 });
        assert.equal(await store.tenants.findTenantByHost('auth.t1.test'), undefined);
        await assert.rejects(store.tenants.updateTenant(tenant('t1', ['t2.test']), AUDITED), StoreConflictError);
        assert.deepEqual((await store.tenants.getTenant('t1'))?.hosts, ['new.t1.test'], 'a refused update changes nothing');
        assert.equal(await store.tenants.updateTenant(tenant('ghost'), AUDITED), false);
      });
    });

    group('access numbers', () => {
      const number = (id: string, n: string): AccessNumber => ({ tenantId: 't1', id, number: n, label: `line ${id}`, createdAt: NOW });
      it('creates, pages in number order, iterates and deletes, refusing a duplicate number', async () => {
        await store.accessNumbers.createAccessNumber(number('2', '+61280000002'), AUDITED);
        await store.accessNumbers.createAccessNumber(number('1', '+61280000001'), AUDITED);
        await assert.rejects(store.accessNumbers.createAccessNumber(number('3', '+61280000001'), AUDITED), StoreConflictError);
        const page = await store.accessNumbers.pageAccessNumbers('t1', { offset: 0, limit: 1 });
        assert.deepEqual({ first: page.items[0], total: page.total }, { first: number('1', '+61280000001'), total: 2 });
        const all = [];
        for await (const n of store.accessNumbers.iterateAccessNumbers('t1')) all.push(n.id);
        assert.deepEqual(all, ['1', '2']);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', '1', AUDITED), true);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', '1', AUDITED), false);
      });
      it('iterates more numbers than one read batch, in order', async () => {
        const count = 1234;
        for (let i = 0; i < count; i++) await store.accessNumbers.createAccessNumber(number(`id${i}`, `+6128${String(i).padStart(7, '0')}`), AUDITED);
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

    group('audit log', () => {
      it('appends entries and pages them newest first, per tenant or all', async () => {
        const entry = (action: string, tenantId: string | null, at: number): AuditEntry => ({ at, actor: 'cli:root', tenantId, action, target: 'x', details: { field: 'name' } });
        await store.audit.appendAudit(entry('client.create', 't1', NOW));
        await store.audit.appendAudit(entry('tenant.create', null, NOW));
        await store.audit.appendAudit(entry('client.delete', 't1', NOW));
        const t1 = await store.audit.pageAudit('t1', { offset: 0, limit: 10 });
        assert.deepEqual(t1.items.map((e) => e.action), ['client.delete', 'client.create']);
        assert.deepEqual(t1.items[0], entry('client.delete', 't1', NOW));
        // The fourth is the setup's (creating t1).
        const all = await store.audit.pageAudit(undefined, { offset: 1, limit: 1 });
        assert.deepEqual({ actions: all.items.map((e) => e.action), total: all.total }, { actions: ['tenant.create'], total: 4 });
      });
      it('chains every entry to the one before it, concurrent appends included, in one order', async () => {
        const entry = (i: number): AuditEntry => ({ at: NOW + i, actor: 'cli:root', tenantId: i % 2 === 0 ? 't1' : null, action: 'client.update', target: `c${i}`, details: { b: i, a: [1, { z: true, y: 'x' }] } });
        await Promise.all(Array.from({ length: 12 }, (_, i) => store.audit.appendAudit(entry(i))));
        // The setup's entry (creating t1) comes first.
        const chain = await store.audit.readAuditChain(undefined, 100);
        assert.equal(chain.length, 13);
        assert.equal(chain[0]!.prevHash, AUDIT_CHAIN_GENESIS);
        for (let i = 1; i < chain.length; i++) assert.equal(chain[i]!.prevHash, chain[i - 1]!.hash);
        assert.deepEqual(await verifyAuditChain(store.audit, 5), { ok: true, verified: 13, unchained: 0 });
        assert.deepEqual((await store.audit.readAuditChain(chain[10]!.seq, 100)).map((e) => e.seq), [chain[11]!.seq, chain[12]!.seq]);
      });
      it('filters by action, action prefix, actor, target and time, counting only matches', async () => {
        const entry = (at: number, action: string, actor: string, target: string): AuditEntry => ({ at, actor, tenantId: 't1', action, target, details: {} });
        await store.audit.appendAudit(entry(NOW, 'user.create', 'cli:root', 'u1'));
        await store.audit.appendAudit(entry(NOW + 1000, 'user.unlock', 'client:default/admin', 'u1'));
        await store.audit.appendAudit(entry(NOW + 2000, 'client.create', 'client:default/admin', 'c1'));
        await store.audit.appendAudit(entry(NOW + 3000, 'user_x', 'client:default/admin', 'u2'));
        await store.audit.appendAudit({ ...entry(NOW + 1000, 'user.create', 'cli:root', 'u9'), tenantId: 't2' });
        const page = { offset: 0, limit: 10 };
        const targets = async (tenantId: string | undefined, filter: AuditFilter) => {
          const result = await store.audit.pageAudit(tenantId, page, filter);
          return { targets: result.items.map((e) => `${e.action}:${e.target}`), total: result.total };
        };
        assert.deepEqual(await targets('t1', { action: 'user.create' }), { targets: ['user.create:u1'], total: 1 });
        // A prefix is literal: '_' and '%' are not wildcards.
        assert.deepEqual(await targets('t1', { actionPrefix: 'user.' }), { targets: ['user.unlock:u1', 'user.create:u1'], total: 2 });
        assert.deepEqual(await targets('t1', { actionPrefix: 'user_' }), { targets: ['user_x:u2'], total: 1 });
        assert.deepEqual(await targets('t1', { actor: 'client:default/admin', target: 'u1' }), { targets: ['user.unlock:u1'], total: 1 });
        // from is inclusive, to exclusive.
        assert.deepEqual(await targets('t1', { from: NOW + 1000, to: NOW + 3000 }), { targets: ['client.create:c1', 'user.unlock:u1'], total: 2 });
        assert.deepEqual(await targets(undefined, { action: 'user.create' }), { targets: ['user.create:u9', 'user.create:u1'], total: 2 });
        assert.deepEqual(await targets('t1', { actor: 'nobody' }), { targets: [], total: 0 });
        const second = await store.audit.pageAudit('t1', { offset: 1, limit: 1 }, { actionPrefix: 'user' });
        assert.deepEqual({ targets: second.items.map((e) => e.target), total: second.total }, { targets: ['u1'], total: 3 });
      });
    });

    group('audited writes', () => {
      // Each management write appends the entry it is given with its change, in one transaction; a write that changes nothing appends nothing.
      const entry = (action: string, target: string): AuditEntry => ({ at: NOW, actor: 'client:t1/admin', tenantId: 't1', action, target, details: { action, nested: { b: 1, a: [true, null] } } });
      /** `action:target` of every entry after the setup's, in write order, once the whole chain verifies. */
      const written = async (): Promise<string[]> => {
        const report = await verifyAuditChain(store.audit);
        assert.equal(report.ok, true, JSON.stringify(report));
        return (await store.audit.readAuditChain(undefined, 1000)).slice(1).map((e) => `${e.action}:${e.target}`);
      };
      const newest = async (): Promise<AuditEntry | undefined> => (await store.audit.pageAudit(undefined, { offset: 0, limit: 1 })).items[0];
      const number = (id: string, n: string): AccessNumber => ({ tenantId: 't1', id, number: n, label: `line ${id}`, createdAt: NOW });

      it('tenants: create and update append their entry; a conflict or a missing tenant appends none', async () => {
        await store.tenants.createTenant(tenant('t2', ['t2.test']), entry('tenant.create', 't2'));
        assert.deepEqual(await newest(), entry('tenant.create', 't2'));
        assert.equal(await store.tenants.updateTenant({ ...tenant('t2', ['t2.test']), accessTokenLifetime: 60 }, entry('tenant.update', 't2')), true);
        await assert.rejects(store.tenants.createTenant(tenant('t2'), entry('tenant.create', 'dup')), StoreConflictError);
        await assert.rejects(store.tenants.createTenant(tenant('t3', ['t2.test']), entry('tenant.create', 'host')), StoreConflictError);
        await assert.rejects(store.tenants.updateTenant(tenant('t1', ['t2.test']), entry('tenant.update', 'host')), StoreConflictError);
        assert.equal(await store.tenants.updateTenant(tenant('ghost'), entry('tenant.update', 'ghost')), false);
        assert.deepEqual(await written(), ['tenant.create:t2', 'tenant.update:t2']);
        assert.deepEqual((await store.tenants.getTenant('t1'))?.hosts, ['auth.t1.test'], 'the refused update changed nothing');
      });
      it('clients: create, update and delete append their entry; a conflict or a missing client appends none', async () => {
        await store.clients.createClient(client('t1', 'c1'), entry('client.create', 'c1'));
        assert.deepEqual(await newest(), entry('client.create', 'c1'));
        await assert.rejects(store.clients.createClient(client('t1', 'c1'), entry('client.create', 'dup')), StoreConflictError);
        assert.equal(await store.clients.updateClient(client('t1', 'c1', { name: 'renamed' }), entry('client.update', 'c1')), true);
        assert.equal(await store.clients.updateClient(client('t1', 'ghost'), entry('client.update', 'ghost')), false);
        assert.equal(await store.clients.deleteClient('t1', 'c1', entry('client.delete', 'c1')), true);
        assert.equal(await store.clients.deleteClient('t1', 'c1', entry('client.delete', 'again')), false);
        assert.deepEqual(await written(), ['client.create:c1', 'client.update:c1', 'client.delete:c1']);
      });
      it('users: create, update and delete append their entry; a conflict or a missing user appends none', async () => {
        await store.users.createUser(user('t1', 'u1', 'alice'), entry('user.create', 'u1'));
        await store.users.createUser(user('t1', 'u2', 'bob'), entry('user.create', 'u2'));
        await assert.rejects(store.users.createUser(user('t1', 'u3', 'ALICE'), entry('user.create', 'dup')), StoreConflictError);
        assert.equal(await store.users.updateUser(user('t1', 'u1', 'alice', { role: 'Reader' }), entry('user.update', 'u1')), true);
        assert.deepEqual(await newest(), entry('user.update', 'u1'));
        await assert.rejects(store.users.updateUser(user('t1', 'u1', 'bob'), entry('user.update', 'taken')), StoreConflictError);
        assert.equal(await store.users.updateUser(user('t1', 'ghost', 'ghost'), entry('user.update', 'ghost')), false);
        assert.equal(await store.users.deleteUser('t1', 'u2', entry('user.delete', 'u2')), true);
        assert.equal(await store.users.deleteUser('t1', 'u2', entry('user.delete', 'again')), false);
        assert.deepEqual(await written(), ['user.create:u1', 'user.create:u2', 'user.update:u1', 'user.delete:u2']);
        assert.equal((await store.users.getUser('t1', 'u1'))?.username, 'alice', 'the refused rename changed nothing');
      });
      it('access numbers: create and delete append their entry; a conflict or a missing number appends none', async () => {
        await store.accessNumbers.createAccessNumber(number('n1', '+61280000001'), entry('access-number.create', 'n1'));
        await assert.rejects(store.accessNumbers.createAccessNumber(number('n2', '+61280000001'), entry('access-number.create', 'dup')), StoreConflictError);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', 'n1', entry('access-number.delete', 'n1')), true);
        assert.equal(await store.accessNumbers.deleteAccessNumber('t1', 'n1', entry('access-number.delete', 'again')), false);
        assert.deepEqual(await written(), ['access-number.create:n1', 'access-number.delete:n1']);
      });
      it('signing keys: a rotation inserts, retires and appends together, a lost generation changes nothing; a revocation appends its entry', async () => {
        const first = await generateSigningKey('t1', 'ES256', NOW, { generation: 1 });
        const old = await generateSigningKey('t1', 'RS256', NOW - 1, { generation: 1 });
        await store.keys.insertKeyGeneration(first);
        await store.keys.insertKeyGeneration(old);
        const next = await generateSigningKey('t1', 'ES256', NOW + 1, { generation: 2 });
        const retire = [{ alg: 'ES256' as const, belowGeneration: 2 }, { alg: 'RS256' as const, belowGeneration: 2 }];
        assert.equal((await store.keys.rotateKey(next, retire, NOW + 5000, entry('key.rotate', next.kid))).kid, next.kid);
        assert.deepEqual((await store.keys.listKeys('t1')).map((k) => [k.kid, k.retiresAt]), [[old.kid, NOW + 5000], [first.kid, NOW + 5000], [next.kid, null]]);
        const rival = await generateSigningKey('t1', 'ES256', NOW + 2, { generation: 2 });
        assert.equal((await store.keys.rotateKey(rival, [{ alg: 'ES256', belowGeneration: 3 }], NOW + 9000, entry('key.rotate', rival.kid))).kid, next.kid, 'the stored key of the generation');
        assert.equal((await store.keys.listKeys('t1')).find((k) => k.kid === next.kid)?.retiresAt, null, 'the lost rotation retired nothing');
        assert.equal(await store.keys.revokeKey('t1', first.kid, entry('key.revoke', first.kid)), true);
        assert.equal(await store.keys.revokeKey('t1', first.kid, entry('key.revoke', 'again')), false);
        assert.deepEqual(await written(), [`key.rotate:${next.kid}`, `key.revoke:${first.kid}`]);
      });
      it('keeps one chain when audited writes and appends run at once', async () => {
        for (let round = 0; round < 3; round++) {
          await Promise.all(Array.from({ length: 8 }, (_, i) => [
            store.clients.createClient(client('t1', `c${round}-${i}`), entry('client.create', `c${round}-${i}`)),
            store.users.createUser(user('t1', `u${round}-${i}`, `user-${round}-${i}`), entry('user.create', `u${round}-${i}`)),
            store.audit.appendAudit(entry('user.read', `r${round}-${i}`)),
          ]).flat());
          assert.equal((await written()).length, 24 * (round + 1), `round ${round}`);
        }
      });
      it('lockouts: an operator\'s unlock clears the record and appends its entry, for users and clients', async () => {
        await store.users.createUser(user('t1', 'u1', 'alice'), AUDITED);
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        for (const [port, subject] of [[store.lockouts, 'u1'], [store.clientLockouts, 'c1']] as const) {
          await port.recordFailure('t1', subject, { at: NOW, address: null, countSince: 0 });
          await port.lockUntil('t1', subject, NOW + 60_000);
          await port.unlock('t1', subject, entry('unlock', subject));
          const state = await port.getLockState('t1', subject);
          assert.deepEqual([state.failedCount, state.lockedUntil, state.lastFailureAt], [0, null, NOW]);
        }
        assert.deepEqual((await written()).slice(2), ['unlock:u1', 'unlock:c1']);
      });
    });

    group('activity counts', () => {
      const MINUTE = 60_000;
      const count = (minute: number, kind: 'issued' | 'error', name: string, clientId: string, n: number, tenantId = 't1'): ActivityCount => ({ tenantId, minute, kind, name, clientId, count: n });

      it('adds counts to their rows and reads a tenant\'s window oldest first', async () => {
        await store.activity.addActivity([count(NOW, 'issued', 'client_credentials', 'svc', 2), count(NOW, 'error', 'invalid_client', '', 1)]);
        await store.activity.addActivity([count(NOW, 'issued', 'client_credentials', 'svc', 3), count(NOW + MINUTE, 'issued', 'password', 'app', 1), count(NOW, 'issued', 'client_credentials', 'svc', 7, 't2')]);
        await store.activity.addActivity([]);
        const read = await store.activity.readActivity('t1', NOW, NOW + 2 * MINUTE);
        const sorted = [...read].sort((a, b) => a.minute - b.minute || a.kind.localeCompare(b.kind));
        assert.deepEqual(sorted, [count(NOW, 'error', 'invalid_client', '', 1), count(NOW, 'issued', 'client_credentials', 'svc', 5), count(NOW + MINUTE, 'issued', 'password', 'app', 1)]);
        assert.deepEqual(read.map((c) => c.minute), [NOW, NOW, NOW + MINUTE], 'oldest minute first');
        // from inclusive, to exclusive.
        assert.deepEqual(await store.activity.readActivity('t1', NOW + MINUTE, NOW + 2 * MINUTE), [count(NOW + MINUTE, 'issued', 'password', 'app', 1)]);
        assert.deepEqual(await store.activity.readActivity('t1', NOW - MINUTE, NOW), []);
        assert.ok(Object.isFrozen(read[0]), 'reads are frozen');
      });

      it('loses no count when batches add to the same rows at once', async () => {
        const batch = () => store.activity.addActivity([count(NOW, 'issued', 'client_credentials', 'svc', 1), count(NOW, 'error', 'invalid_grant', '', 2)]);
        await Promise.all(Array.from({ length: 20 }, batch));
        const read = await store.activity.readActivity('t1', NOW, NOW + MINUTE);
        assert.deepEqual(read.map((c) => `${c.kind}:${c.name}:${c.count}`).sort(), ['error:invalid_grant:40', 'issued:client_credentials:20']);
      });

      it('purges minutes before a time, counting the rows deleted', async () => {
        await store.activity.addActivity([count(NOW, 'issued', 'client_credentials', 'svc', 1), count(NOW + MINUTE, 'issued', 'client_credentials', 'svc', 1), count(NOW, 'error', 'invalid_client', '', 1, 't2')]);
        assert.equal(await store.activity.purgeActivity(NOW + MINUTE), 2);
        assert.deepEqual((await store.activity.readActivity('t1', 0, NOW + 2 * MINUTE)).map((c) => c.minute), [NOW + MINUTE]);
      });
    });

    group('unstorable text', () => {
      // Text PostgreSQL refuses or a driver would change; every store answers it alike.
      const UNSTORABLE: readonly [string, string][] = [
        ['U+0000', 'a\u0000b'],
        ['a lone high surrogate', 'a\ud800b'],
        ['a lone low surrogate', 'a\udc00'],
        ['an over-long identifier', 'x'.repeat(100_000)],
        ['an identifier over 1 KiB in UTF-8', '\u20ac'.repeat(400)],
      ];
      it('finds nothing by an identifier that cannot be stored, on every lookup', async () => {
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        for (const [what, bad] of UNSTORABLE) {
          assert.equal(await store.tenants.getTenant(bad), undefined, what);
          assert.equal(await store.tenants.findTenantByHost(bad), undefined, what);
          assert.equal(await store.clients.getClient('t1', bad), undefined, what);
          assert.equal(await store.clients.getClient(bad, 'c1'), undefined, what);
          assert.equal(await store.clients.deleteClient('t1', bad, AUDITED), false, what);
          assert.deepEqual(await store.clients.listClients(bad), [], what);
          assert.deepEqual(await store.clients.pageClients('t1', { offset: 0, limit: 10, accounts: [bad] }), { items: [], total: 0 }, what);
          assert.equal(await store.users.getUser('t1', bad), undefined, what);
          assert.equal(await store.users.findUserByUsername('t1', bad), undefined, what);
          assert.equal(await store.users.deleteUser('t1', bad, AUDITED), false, what);
          assert.deepEqual(await store.users.pageUsers(bad, { offset: 0, limit: 10 }), { items: [], total: 0 }, what);
          for await (const found of store.users.iterateUsers(bad)) assert.fail(`iterated ${found.id} for ${what}`);
          assert.equal(await store.accessNumbers.deleteAccessNumber('t1', bad, AUDITED), false, what);
          assert.deepEqual(await store.accessNumbers.pageAccessNumbers(bad, { offset: 0, limit: 10 }), { items: [], total: 0 }, what);
          assert.deepEqual(await store.audit.pageAudit('t1', { offset: 0, limit: 10 }, { actor: bad }), { items: [], total: 0 }, what);
          assert.deepEqual(await store.activity.readActivity(bad, 0, NOW), [], what);
          assert.deepEqual(await store.keys.listKeys(bad), [], what);
        }
      });
      it('refuses to write text that cannot be stored, writing nothing', async () => {
        for (const [what, bad] of UNSTORABLE) {
          await assert.rejects(store.tenants.createTenant(tenant(bad), AUDITED), UnstorableValueError, what);
          await assert.rejects(store.tenants.createTenant({ ...tenant('t9'), hosts: [bad] }, AUDITED), UnstorableValueError, what);
          await assert.rejects(store.clients.createClient(client('t1', bad), AUDITED), UnstorableValueError, what);
          await assert.rejects(store.users.createUser(user('t1', 'u9', bad), AUDITED), UnstorableValueError, what);
          await assert.rejects(store.users.createUser(user('t1', bad, 'bob'), AUDITED), UnstorableValueError, what);
          await assert.rejects(store.audit.appendAudit({ at: NOW, actor: 'cli:root', tenantId: bad, action: 'client.create', target: 'c1', details: {} }), UnstorableValueError, what);
          await assert.rejects(store.lockouts.recordFailure('t1', bad, { at: NOW, address: null, countSince: 0 }), UnstorableValueError, what);
        }
        // Values that are not identifiers may be long, but not hold U+0000 or a lone surrogate, nor in a JSON key.
        for (const bad of ['a\u0000b', 'a\ud800b']) {
          await assert.rejects(store.clients.createClient(client('t1', 'c2', { name: bad }), AUDITED), UnstorableValueError);
          await assert.rejects(store.clients.createClient(client('t1', 'c2', { attributes: { note: bad } }), AUDITED), UnstorableValueError);
          await assert.rejects(store.clients.createClient(client('t1', 'c2', { attributes: { [bad]: 1 } }), AUDITED), UnstorableValueError);
          await assert.rejects(store.audit.appendAudit({ at: NOW, actor: 'cli:root', tenantId: 't1', action: 'client.create', target: bad, details: {} }), UnstorableValueError);
          await assert.rejects(store.users.createUser(user('t1', 'u2', 'carol', { role: bad }), AUDITED), UnstorableValueError);
        }
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        await assert.rejects(store.clients.updateClient(client('t1', 'c1', { name: 'a\u0000' }), AUDITED), UnstorableValueError);
        assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'c1', 'a refused update changes nothing');
        assert.equal(await store.tenants.getTenant('t9'), undefined);
        assert.deepEqual((await store.clients.listClients('t1')).map((c) => c.id), ['c1']);
        assert.deepEqual((await store.audit.pageAudit('t1', { offset: 0, limit: 10 })).total, 0);
      });
      it('keeps any well-formed text, astral characters and long values included', async () => {
        const id = 'c\u{1F511}\u00e9\u4e2d';
        const long = 'n'.repeat(10_000);
        await store.clients.createClient(client('t1', id, { name: long, attributes: { '\u{1F511}': '\u{1F600}' } }), AUDITED);
        const read = await store.clients.getClient('t1', id);
        assert.equal(read?.name, long);
        assert.deepEqual(read?.attributes, { '\u{1F511}': '\u{1F600}' });
        await store.users.createUser(user('t1', 'u\u{1F600}', 'j\u00f6rg\u{1F600}'), AUDITED);
        assert.equal((await store.users.findUserByUsername('t1', 'j\u00f6rg\u{1F600}'))?.id, 'u\u{1F600}');
      });
    });

    it('reports its schema version and the one this build migrates to, equal after opening', async () => {
      const { version, latest } = await store.schemaStatus();
      assert.equal(version, latest);
    });

    it('answers ping while open', async () => {
      await store.ping();
    });
  });
}
