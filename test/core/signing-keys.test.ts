/**
 * Signing keys across processes and time: one first key however many
 * processes ask, and a rotation noticed by every process at the instant the
 * stored schedule says, with a frozen clock moved by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SigningKey, Tenant } from '../../src/core/model.ts';
import { activeSigningKey, keyState } from '../../src/core/tokens/key-schedule.ts';
import { generateSigningKey, SigningKeys } from '../../src/core/tokens/signing-keys.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import type { KeyStore } from '../../src/core/ports/keys.ts';
import { frozenClock } from '../helpers/fixtures.ts';
import { DEFAULT_LOGIN_POLICY } from '../../src/core/login-policy.ts';
import { DEFAULT_JWT_PROFILE } from '../../src/core/tokens/jwt-profile.ts';

const T0 = Date.UTC(2026, 0, 1);
const tenant: Tenant = { id: 't1', issuer: 'https://t1.test', signingAlg: 'ES256', accessTokenLifetime: 3600, hosts: [], loginPolicy: DEFAULT_LOGIN_POLICY, corsOrigins: [], issuerFollowsServer: false, rateLimit: {}, jwt: DEFAULT_JWT_PROFILE, createdAt: T0, updatedAt: T0 };

function key(generation: number, activatesAt: number, retiresAt: number | null = null): SigningKey {
  return {
    tenantId: 't1', kid: `k${generation}`, alg: 'ES256', privateJwk: {}, publicJwk: {}, createdAt: T0, generation, activatesAt, retiresAt,
  };
}

describe('key schedule', () => {
  const keys = [key(1, T0, T0 + 500), key(2, T0 + 100), key(3, T0 + 300)];
  const cases: [string, number, string | undefined, string[]][] = [
    ['signs with generation 1 before any rotation activates', T0 + 50, 'k1', ['active', 'pending', 'pending']],
    ['switches to generation 2 at its activation instant', T0 + 100, 'k2', ['verifying', 'active', 'pending']],
    ['switches to generation 3 later, generation 2 still verifying', T0 + 300, 'k3', ['verifying', 'verifying', 'active']],
    ['drops generation 1 at its retirement instant', T0 + 500, 'k3', ['retired', 'verifying', 'active']],
  ];
  for (const [name, now, active, states] of cases) {
    it(name, () => {
      assert.equal(activeSigningKey(keys, 'ES256', now)?.kid, active);
      assert.deepEqual(keys.map((k) => keyState(k, keys, now)), states);
    });
  }
  it('lets a pending first key sign when no key has activated (nothing to warn verifiers of)', () => {
    assert.equal(activeSigningKey([key(1, T0 + 100)], 'ES256', T0)?.kid, 'k1');
  });
  it('ignores keys of another algorithm', () => {
    assert.equal(activeSigningKey(keys, 'RS256', T0 + 50), undefined);
  });
});

describe('SigningKeys', () => {
  it('creates one first key when several processes ask at once', async () => {
    const store = createMemoryStore();
    const time = frozenClock(T0);
    const processes = [new SigningKeys(store.keys, time.clock), new SigningKeys(store.keys, time.clock), new SigningKeys(store.keys, time.clock)];
    const active = await Promise.all(processes.map((p) => p.activeKey(tenant)));
    assert.equal(new Set(active.map((a) => a.kid)).size, 1);
    assert.equal((await store.keys.listKeys('t1')).length, 1);
  });

  it('notices a rotation stored by another process only after the refresh interval', async () => {
    const store = createMemoryStore();
    const time = frozenClock(T0);
    const keys = new SigningKeys(store.keys, time.clock, { refreshMs: 30_000 });
    const first = await keys.activeKey(tenant);
    // Another process rotates with no pre-publication delay.
    await store.keys.insertKeyGeneration(await generateSigningKey('t1', 'ES256', time.now, { generation: 2 }));
    time.advance(29_999);
    assert.equal((await keys.activeKey(tenant)).kid, first.kid, 'still within the refresh interval');
    assert.equal((await keys.publicKeys(tenant)).length, 1);
    time.advance(1);
    assert.notEqual((await keys.activeKey(tenant)).kid, first.kid);
    assert.equal((await keys.publicKeys(tenant)).length, 2);
  });

  it('switches to a pre-published key at its activation instant, without re-reading the store', async () => {
    const store = createMemoryStore();
    const time = frozenClock(T0);
    const keys = new SigningKeys(store.keys, time.clock, { refreshMs: 30_000 });
    const first = await keys.activeKey(tenant);
    const next = await generateSigningKey('t1', 'ES256', time.now, { generation: 2, activatesAt: T0 + 3600_000 });
    await store.keys.insertKeyGeneration(next);
    time.advance(30_000);
    assert.equal((await keys.activeKey(tenant)).kid, first.kid, 'published, not yet signing');
    let reads = 0;
    const counting: KeyStore = { ...store.keys, listKeys: (id) => (reads++, store.keys.listKeys(id)) };
    const cold = new SigningKeys(counting, time.clock, { refreshMs: 3600_000 });
    await cold.activeKey(tenant);
    time.advance(3600_000 - 30_000);
    assert.equal((await cold.activeKey(tenant)).kid, next.kid);
    assert.equal(reads, 1);
  });

  it('keeps signing with the keys it knows when the store fails on a re-read', async () => {
    const store = createMemoryStore();
    const time = frozenClock(T0);
    let down = false;
    const flaky: KeyStore = {
      ...store.keys,
      insertKeyGeneration: (k) => store.keys.insertKeyGeneration(k),
      listKeys: (id) => (down ? Promise.reject(new Error('database down')) : store.keys.listKeys(id)),
    };
    const keys = new SigningKeys(flaky, time.clock, { refreshMs: 1000 });
    const first = await keys.activeKey(tenant);
    down = true;
    time.advance(5000);
    assert.equal((await keys.activeKey(tenant)).kid, first.kid);
    const fresh = new SigningKeys(flaky, time.clock);
    await assert.rejects(fresh.activeKey(tenant), /database down/);
  });

  it('publishes pending and current keys but not retired ones', async () => {
    const store = createMemoryStore();
    const time = frozenClock(T0);
    await store.keys.insertKeyGeneration(await generateSigningKey('t1', 'ES256', T0, { generation: 1 }).then((k) => ({ ...k, retiresAt: T0 + 10 })));
    const current = await generateSigningKey('t1', 'ES256', T0, { generation: 2 });
    const pending = await generateSigningKey('t1', 'ES256', T0, { generation: 3, activatesAt: T0 + 60_000 });
    await store.keys.insertKeyGeneration(current);
    await store.keys.insertKeyGeneration(pending);
    time.advance(10);
    const keys = new SigningKeys(store.keys, time.clock);
    assert.deepEqual((await keys.publicKeys(tenant)).map((k) => k.kid), [current.kid, pending.kid]);
    assert.equal((await keys.activeKey(tenant)).kid, current.kid);
  });
});
