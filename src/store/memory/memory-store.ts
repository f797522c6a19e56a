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
  const audit = new MemoryAuditStore();
  const lockouts = new MemoryLockoutStore(audit);
  const clientLockouts = new MemoryLockoutStore(audit);
  const tenants = new MemoryTenantStore(audit);
  return refuseUnstorableText({
    kind: 'memory',
    tenants,
    clients: new MemoryClientStore(audit, (tenantId, clientId) => clientLockouts.forget(tenantId, clientId)),
    users: new MemoryUserStore(audit, (tenantId, userId) => lockouts.forget(tenantId, userId)),
    lockouts,
    clientLockouts,
    tokens: new MemoryTokenStore(),
    keys: new MemoryKeyStore(audit, (tenantId) => tenants.raiseKeysRevision(tenantId)),
    accessNumbers: new MemoryAccessNumberStore(audit),
    audit,
    activity: new MemoryActivityStore(),
    async ping() {},
    async schemaStatus() {
      return { version: 0, latest: 0 };
    },
    async close() {},
  });
}
