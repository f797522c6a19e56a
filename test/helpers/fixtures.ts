/**
 * Test fixtures: a Tessera over a memory store with a frozen clock, and
 * helpers to create tenants and clients through the same services the CLI uses.
 */
import type { ClientService, CreateClientInput } from '../../src/admin/clients.ts';
import type { CreateTenantInput, TenantService } from '../../src/admin/tenants.ts';
import type { CreateUserInput, UserService, UserView } from '../../src/admin/users.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTessera, type RateLimitOptions, type Tessera } from '../../src/server/compose.ts';
import { createLocalKeyEncryption } from '../../src/server/key-encryption.ts';

/** One key-encryption key for every test composition, so compositions over one database (two "processes") read each other's keys. */
export const TEST_KEY_ENCRYPTION = createLocalKeyEncryption(new Uint8Array(32).fill(7));

/** The actor of changes made by test set-up. */
export const TEST_CHANGE = { actor: 'test:fixture' };

/** A clock tests move by hand. */
export interface FrozenClock {
  clock: Clock;
  now: number;
  advance(ms: number): void;
}

export function frozenClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)): FrozenClock {
  const state = {
    now: start,
    clock: () => state.now,
    advance(ms: number) {
      state.now += ms;
    },
  };
  return state;
}

export interface TestTessera {
  tessera: Tessera;
  store: Store;
  time: FrozenClock;
  tenants: TenantService;
  clients: ClientService;
  users: UserService;
}

export async function createTestTessera(options: { store?: Store; defaultTenant?: CreateTenantInput | false; rateLimits?: RateLimitOptions } = {}): Promise<TestTessera> {
  const time = frozenClock();
  const store = options.store ?? createMemoryStore();
  const tessera = createTessera({ store, clock: time.clock, defaultTenantId: 'default', rateLimits: options.rateLimits, keyEncryption: TEST_KEY_ENCRYPTION });
  const { tenants, clients, users } = tessera.admin;
  if (options.defaultTenant !== false) {
    await tenants.create(options.defaultTenant ?? { id: 'default', issuer: 'https://auth.example.test' }, TEST_CHANGE);
  }
  return { tessera, store, time, tenants, clients, users };
}

/** Creates a client and returns its secret (generated unless `secret` is given). */
export async function addClient(t: TestTessera, input: Partial<CreateClientInput> & { id: string }): Promise<string> {
  const created = await t.clients.create({ tenantId: 'default', ...input }, TEST_CHANGE);
  return input.secret ?? created.clientSecret!;
}

/** Creates a user in the default tenant. */
export async function addUser(t: TestTessera, input: Partial<CreateUserInput> & { username: string; password: string }): Promise<UserView> {
  return t.users.create({ tenantId: 'default', ...input }, { actor: 'test' });
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}
