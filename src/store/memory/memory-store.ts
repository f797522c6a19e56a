/** In-process store for tests and throwaway runs; nothing survives the process. */
import type { Store } from '../types.ts';
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
    async ping() {},
    async close() {},
  };
}
