/**
 * The management services, built once over the storage ports they need: the
 * admin API and the CLI call the same objects, so they can never disagree
 * about what a change checks or audits.
 */
import type { Clock } from '../core/clock.ts';
import type { Argon2id } from '../core/crypto/argon2id.ts';
import type { AccessNumberStore } from '../core/ports/access-numbers.ts';
import type { ActivityStore } from '../core/ports/activity.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import type { TokenRevocation } from '../core/ports/tokens.ts';
import type { UserStore } from '../core/ports/users.ts';
import { AccessNumberService } from './access-numbers.ts';
import { ActivityService } from './activity.ts';
import { ClientService } from './clients.ts';
import { KeyService } from './keys.ts';
import { RateLimitService } from './rate-limits.ts';
import type { RateLimiter } from '../core/rate-limit/limiter.ts';
import type { RuleSettings } from '../core/rate-limit/rules.ts';
import { TenantService } from './tenants.ts';
import { UserService } from './users.ts';

/** The storage the management services use. */
export interface AdminStorage {
  tenants: TenantStore;
  clients: ClientStore;
  users: UserStore;
  lockouts: LockoutStore;
  clientLockouts: LockoutStore;
  tokens: TokenRevocation;
  keys: KeyStore;
  accessNumbers: AccessNumberStore;
  audit: AuditStore;
  activity: ActivityStore;
}

export interface AdminServicesOptions {
  storage: AdminStorage;
  clock: Clock;
  argon2: Argon2id;
  /** Delay before a key rotated through the admin API signs (config `keyPrePublicationSeconds`). */
  keyPrePublicationSeconds: number;
  /** Drops this process's cached signing keys of a tenant, after a rotation here. */
  forgetKeys(tenantId: string): void;
  /** The process's rate limiter and the rules in force (what the rate-limit service inspects and resets). */
  rateLimits: { limiter: RateLimiter; rules: RuleSettings };
}

/** The management services the CLI and the admin API share. */
export interface AdminServices {
  tenants: TenantService;
  clients: ClientService;
  accessNumbers: AccessNumberService;
  users: UserService;
  keys: KeyService;
  rateLimits: RateLimitService;
  audit: AuditStore;
  activity: ActivityService;
  keyPrePublicationSeconds: number;
  forgetKeys(tenantId: string): void;
}

export function createAdminServices(options: AdminServicesOptions): AdminServices {
  const { storage, clock, argon2 } = options;
  return {
    tenants: new TenantService(storage, clock),
    clients: new ClientService(storage, clock, argon2),
    accessNumbers: new AccessNumberService(storage, clock),
    users: new UserService(storage, clock, argon2),
    keys: new KeyService(storage, clock),
    rateLimits: new RateLimitService({ ...options.rateLimits, storage, clock }),
    audit: storage.audit,
    activity: new ActivityService(storage, clock),
    keyPrePublicationSeconds: options.keyPrePublicationSeconds,
    forgetKeys: options.forgetKeys,
  };
}
