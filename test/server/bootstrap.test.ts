import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureDefaultTenant } from '../../src/server/bootstrap.ts';
import { validateConfig } from '../../src/config/config.ts';
import { createTessera } from '../../src/server/compose.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';

describe('ensureDefaultTenant', () => {
  it('lets processes starting together on one fresh database all succeed, creating the tenant once', async () => {
    const store = createMemoryStore();
    const config = validateConfig({ defaultTenant: 'default' });
    const { admin } = createTessera({ store, clock: () => 0 });
    const results = await Promise.all([1, 2, 3].map(() => ensureDefaultTenant(config, admin, { actor: 'test' })));
    assert.deepEqual(results.map((r) => r.created).sort(), [false, false, true]);
    assert.ok(results.every((r) => r.tenant.id === 'default'));
    assert.equal((await store.tenants.listTenants()).length, 1);
  });
});
