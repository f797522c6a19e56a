/** Key rotation as an operator runs it: schedule, retirement, races and clean-up. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AdminError } from '../../src/admin/admin-error.ts';
import { KeyService, RETIREMENT_LEEWAY_MS } from '../../src/admin/keys.ts';
import { addClient, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';

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
