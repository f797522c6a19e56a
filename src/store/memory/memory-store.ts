/** In-process store for tests and throwaway runs; nothing survives the process. */
import type { Store } from '../types.ts';
import { MemoryAccessNumberStore } from './access-numbers.ts';
import { MemoryAuditStore } from './audit.ts';
import { MemoryClientStore } from './clients.ts';
import { MemoryKeyStore } from './keys.ts';
import { MemoryTenantStore } from './tenants.ts';
import { MemoryTokenStore } from './tokens.ts';

export function createMemoryStore(): Store {
  return {
    kind: 'memory',
    tenants: new MemoryTenantStore(),
    clients: new MemoryClientStore(),
    tokens: new MemoryTokenStore(),
    keys: new MemoryKeyStore(),
    accessNumbers: new MemoryAccessNumberStore(),
    audit: new MemoryAuditStore(),
    async ping() {},
    async close() {},
  };
}
