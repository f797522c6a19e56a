import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureDefaultTenant } from '../../src/admin/bootstrap.ts';
import { validateConfig } from '../../src/config/config.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';

describe('ensureDefaultTenant', () => {
  it('lets processes starting together on one fresh database all succeed, creating the tenant once', async () => {
    const store = createMemoryStore();
    const config = validateConfig({ defaultTenant: 'default' });
    const results = await Promise.all([1, 2, 3].map(() => ensureDefaultTenant(config, store, () => 0, { actor: 'test' })));
    assert.deepEqual(results.map((r) => r.created).sort(), [false, false, true]);
    assert.ok(results.every((r) => r.tenant.id === 'default'));
    assert.equal((await store.tenants.listTenants()).length, 1);
  });
});
