/** Key rotation as an operator runs it: schedule, retirement, races and clean-up. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AdminError } from '../../src/admin/admin-error.ts';
import { KeyService, RETIREMENT_LEEWAY_MS } from '../../src/admin/keys.ts';
import { addClient, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { AUDITED } from '../../src/store/contract.ts';

let t: TestTessera;
let service: KeyService;

beforeEach(async () => {
  t = await createTestTessera();
  service = new KeyService(t.store, t.time.clock);
});

const CHANGE = { actor: 'test' };

describe('KeyService.rotate', () => {
  it('gives a tenant without keys a first key that signs at once', async () => {
    const result = await service.rotate('default', { prePublicationSeconds: 600 }, CHANGE);
    assert.deepEqual([result.key.generation, result.key.state, result.key.activatesAt], [1, 'active', t.time.now]);
  });

  it('publishes the next key ahead of signing and retires the old one after the longest token lifetime', async () => {
    const first = await t.tessera.keys.activeKey((await t.store.tenants.getTenant('default'))!);
    await addClient(t, { id: 'long-lived', accessTokenLifetime: 7200 });
    const result = await service.rotate('default', { prePublicationSeconds: 600 }, CHANGE);
    const activatesAt = t.time.now + 600_000;
    assert.deepEqual(
      result.keys.map((k) => [k.kid, k.generation, k.state, k.activatesAt, k.retiresAt]),
      [
        [first.kid, 1, 'active', t.time.now, activatesAt + 7200_000 + RETIREMENT_LEEWAY_MS],
        [result.key.kid, 2, 'pending', activatesAt, null],
      ],
    );
  });

  it('lets exactly one of two simultaneous rotations create the next generation', async () => {
    await service.rotate('default', {}, CHANGE);
    const outcomes = await Promise.allSettled([service.rotate('default', {}, CHANGE), service.rotate('default', {}, CHANGE)]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected')!;
    assert.ok(rejected.reason instanceof AdminError && rejected.reason.kind === 'conflict');
    assert.deepEqual((await t.store.keys.listKeys('default')).map((k) => k.generation), [1, 2]);
  });

  it('deletes keys past their retirement at the next rotation', async () => {
    await service.rotate('default', {}, CHANGE);
    await service.rotate('default', { prePublicationSeconds: 0 }, CHANGE);
    const [old] = await t.store.keys.listKeys('default');
    t.time.advance(old!.retiresAt! - t.time.now);
    const result = await service.rotate('default', { prePublicationSeconds: 0 }, CHANGE);
    assert.equal(result.deleted, 1);
    assert.deepEqual(result.keys.map((k) => k.generation), [2, 3]);
  });

  it('refuses a negative delay and an unknown tenant', async () => {
    await assert.rejects(service.rotate('default', { prePublicationSeconds: -1 }, CHANGE), { kind: 'invalid', field: 'prePublicationSeconds' });
    await assert.rejects(service.rotate('nope', {}, CHANGE), { kind: 'not_found' });
    await assert.rejects(service.list('nope'), { kind: 'not_found' });
  });
});

describe('KeyService rotation across algorithms and private halves', () => {
  const setAlg = async (alg: 'ES256' | 'RS256' | 'EdDSA') => {
    const tenant = (await t.store.tenants.getTenant('default'))!;
    await t.store.tenants.updateTenant({ ...tenant, signingAlg: alg }, AUDITED);
  };

  it("retires the old algorithm's key after a signingAlg change and deletes its private half", async () => {
    const es = await t.tessera.keys.activeKey((await t.store.tenants.getTenant('default'))!);
    await setAlg('RS256');
    const result = await service.rotate('default', { prePublicationSeconds: 0 }, CHANGE);
    const old = (await t.store.keys.listKeys('default')).find((k) => k.kid === es.kid)!;
    assert.notEqual(old.retiresAt, null, 'the ES256 key retires');
    assert.equal(old.privateJwk, null, 'its private half is gone: it only verifies');
    assert.deepEqual(result.keys.find((k) => k.kid === es.kid)?.state, 'verifying');
  });

  it('gives a key left by a signingAlg change a retirement at housekeeping, even without a rotation', async () => {
    const es = await t.tessera.keys.activeKey((await t.store.tenants.getTenant('default'))!);
    await setAlg('EdDSA');
    const done = await service.housekeep('default');
    assert.deepEqual([done.retired, done.privateHalvesDeleted], [1, 1]);
    const old = (await t.store.keys.listKeys('default')).find((k) => k.kid === es.kid)!;
    assert.ok(old.retiresAt !== null && old.retiresAt > t.time.now);
    assert.equal(old.privateJwk, null);
  });

  it("deletes a replaced key's private half once its successor signs, not before", async () => {
    const first = await t.tessera.keys.activeKey((await t.store.tenants.getTenant('default'))!);
    await service.rotate('default', { prePublicationSeconds: 60 }, CHANGE);
    await service.housekeep('default');
    assert.notEqual((await t.store.keys.listKeys('default')).find((k) => k.kid === first.kid)!.privateJwk, null, 'still signing');
    t.time.advance(60_000);
    assert.equal((await service.housekeep('default')).privateHalvesDeleted, 1);
    const keys = await t.store.keys.listKeys('default');
    assert.equal(keys.find((k) => k.kid === first.kid)!.privateJwk, null);
    assert.notEqual(keys.at(-1)!.privateJwk, null);
  });
});

describe('KeyService.revoke', () => {
  it('deletes the key, audits it, and a new key signs at once when it was the signing one', async () => {
    const tenant = (await t.store.tenants.getTenant('default'))!;
    const first = await t.tessera.keys.activeKey(tenant);
    const result = await service.revoke('default', first.kid, CHANGE);
    assert.equal(result.revoked.kid, first.kid);
    assert.deepEqual(result.keys, []);
    assert.deepEqual(await t.tessera.keys.publicKeys((await t.store.tenants.getTenant('default'))!), [], 'gone from the JWKS without forget()');
    const next = await t.tessera.keys.activeKey((await t.store.tenants.getTenant('default'))!);
    assert.notEqual(next.kid, first.kid);
    const audit = await t.store.audit.pageAudit('default', { offset: 0, limit: 10 }, { action: 'key.revoke' });
    assert.equal(audit.items[0]?.target, first.kid);
  });

  it('answers not_found for an unknown kid or another tenant', async () => {
    await assert.rejects(service.revoke('default', 'nope', CHANGE), { kind: 'not_found' });
    await assert.rejects(service.revoke('ghost', 'nope', CHANGE), { kind: 'not_found' });
  });
});
