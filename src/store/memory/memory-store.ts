/** In-process store for tests and throwaway runs; nothing survives the process. */
import type { Store } from '../store.ts';
import { refuseUnstorableText } from '../storable-text.ts';
import { MemoryAccessNumberStore } from './access-numbers.ts';
import { MemoryActivityStore } from './activity.ts';
import { MemoryAuditStore } from './audit.ts';
import { MemoryClientStore } from './clients.ts';
import { MemoryKeyStore } from './keys.ts';
import { MemoryLockoutStore } from './lockouts.ts';
import { MemoryTenantStore } from './tenants.ts';
import { MemoryTokenStore } from './tokens.ts';
import { MemoryUserStore } from './users.ts';

export function createMemoryStore(): Store {
  const lockouts = new MemoryLockoutStore();
  const clientLockouts = new MemoryLockoutStore();
  const tenants = new MemoryTenantStore();
  return refuseUnstorableText({
    kind: 'memory',
    tenants,
    clients: new MemoryClientStore((tenantId, clientId) => clientLockouts.forget(tenantId, clientId)),
    users: new MemoryUserStore((tenantId, userId) => lockouts.forget(tenantId, userId)),
    lockouts,
    clientLockouts,
    tokens: new MemoryTokenStore(),
    keys: new MemoryKeyStore((tenantId) => tenants.raiseKeysRevision(tenantId)),
    accessNumbers: new MemoryAccessNumberStore(),
    audit: new MemoryAuditStore(),
    activity: new MemoryActivityStore(),
    async ping() {},
    async schemaStatus() {
      return { version: 0, latest: 0 };
    },
    async close() {},
  });
}
