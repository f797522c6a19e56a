/**
 * Tenant management, shared by the CLI and the admin API.
 */
import type { Clock } from '../core/clock.ts';
import { DEFAULT_LOGIN_POLICY, withLoginDefaults } from '../core/login-policy.ts';
import { SIGNING_ALGORITHMS, type LockoutPolicy, type LoginPolicy, type Tenant } from '../core/model.ts';
import { StoreConflictError } from '../core/ports/errors.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { Page, PageQuery } from '../core/ports/paging.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { AdminError, invalid } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { applyRateLimitChange, type TenantRateLimitInput } from './rate-limit-settings.ts';
import { CLIENT_ID, requireInteger, requireList, requireOneOf, requireString, requireUrl, TENANT_ID } from './validate.ts';

/** Login settings as an operator changes them: any subset, merged over what is stored. */
export interface LoginPolicyInput {
  lockout?: Partial<LockoutPolicy>;
  refreshTokenLifetime?: number;
  refreshTokenReuseGrace?: number;
  defaultPublicClient?: string | null;
}

/** Settings an operator may change after creation; `loginPolicy` and `rateLimit` are merged over what is stored. */
export type TenantSettings = Pick<Tenant, 'issuer' | 'signingAlg' | 'accessTokenLifetime' | 'hosts'> & { loginPolicy: LoginPolicyInput; rateLimit: TenantRateLimitInput };

export interface CreateTenantInput extends Partial<TenantSettings> {
  id: string;
  issuer: string;
}

export const MAX_TOKEN_LIFETIME = 366 * 24 * 3600;
/** Seed 000's lifetime, and a common default. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME = 3600;

const DAY = 24 * 3600;

type PlainSettings = Exclude<keyof TenantSettings, 'loginPolicy' | 'rateLimit'>;

const SETTINGS: { [K in PlainSettings]: (value: unknown) => TenantSettings[K] } = {
  issuer: (v) => requireUrl(v, 'issuer'),
  signingAlg: (v) => requireOneOf(v, 'signingAlg', SIGNING_ALGORITHMS),
  accessTokenLifetime: (v) => requireInteger(v, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME),
  hosts: (v) => requireList(v, 'hosts', TENANT_ID, 'must be a host name').map((h) => h.toLowerCase()),
};

export class TenantService {
  readonly #tenants: TenantStore;
  readonly #clients: ClientStore | undefined;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  /** With `clients`, a `defaultPublicClient` is checked to exist and be public when it is set. */
  constructor(store: { tenants: TenantStore; audit: AuditStore; clients?: ClientStore }, clock: Clock) {
    this.#tenants = store.tenants;
    this.#clients = store.clients;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async create(input: CreateTenantInput, context: ChangeContext): Promise<Tenant> {
    const now = this.#clock();
    const tenant: Tenant = {
      id: requireString(input.id, 'id', TENANT_ID, 'must be a host name or id of letters, digits, dots and dashes'),
      issuer: SETTINGS.issuer(input.issuer),
      signingAlg: SETTINGS.signingAlg(input.signingAlg ?? 'ES256'),
      accessTokenLifetime: SETTINGS.accessTokenLifetime(input.accessTokenLifetime ?? DEFAULT_ACCESS_TOKEN_LIFETIME),
      hosts: SETTINGS.hosts(input.hosts ?? []),
      loginPolicy: DEFAULT_LOGIN_POLICY,
      rateLimit: input.rateLimit === undefined ? {} : applyRateLimitChange('tenant', input.rateLimit, {}),
      createdAt: now,
      updatedAt: now,
    };
    tenant.loginPolicy = await this.#loginPolicy(tenant, input.loginPolicy);
    await conflictAsAdminError(() => this.#tenants.createTenant(tenant));
    await this.#audit.record(context, tenant.id, 'tenant.create', tenant.id, settingsOf(tenant));
    return tenant;
  }

  /** Applies the given settings only; others keep their values. */
  async update(id: string, patch: Partial<TenantSettings>, context: ChangeContext): Promise<Tenant> {
    const stored = await this.get(id);
    const changed: Partial<Tenant> = {};
    for (const key of Object.keys(patch) as (keyof TenantSettings)[]) {
      if (patch[key] === undefined) continue;
      if (key === 'loginPolicy') changed.loginPolicy = await this.#loginPolicy(stored, patch.loginPolicy);
      else if (key === 'rateLimit') changed.rateLimit = applyRateLimitChange('tenant', patch.rateLimit, stored.rateLimit);
      else if (key in SETTINGS) Object.assign(changed, { [key]: SETTINGS[key](patch[key]) });
      else throw new AdminError('invalid', 'is not a tenant setting', key);
    }
    const tenant: Tenant = { ...stored, ...changed, updatedAt: this.#clock() };
    await conflictAsAdminError(async () => {
      if (!(await this.#tenants.updateTenant(tenant))) throw notFound(id);
    });
    await this.#audit.record(context, id, 'tenant.update', id, changed);
    return tenant;
  }

  get(id: string): Promise<Readonly<Tenant>> {
    return requireTenant(this.#tenants, id);
  }

  /** The tenant, or undefined when it does not exist. */
  find(id: string): Promise<Readonly<Tenant> | undefined> {
    return this.#tenants.getTenant(id);
  }

  list(): Promise<Readonly<Tenant>[]> {
    return this.#tenants.listTenants();
  }

  async #loginPolicy(tenant: Readonly<Tenant>, input: LoginPolicyInput | undefined): Promise<LoginPolicy> {
    if (input === undefined) return tenant.loginPolicy;
    if (input === null || typeof input !== 'object') throw invalid('loginPolicy', 'must be an object');
    const merged = withLoginDefaults({ ...tenant.loginPolicy, ...input, lockout: { ...tenant.loginPolicy.lockout, ...input.lockout } });
    const field = (name: string) => `loginPolicy.${name}`;
    const lockout = merged.lockout;
    requireInteger(lockout.maxFailures, field('lockout.maxFailures'), 0, 1000);
    requireInteger(lockout.waitIncrement, field('lockout.waitIncrement'), 1, DAY);
    requireInteger(lockout.maxWait, field('lockout.maxWait'), lockout.waitIncrement, 30 * DAY);
    requireInteger(lockout.failureReset, field('lockout.failureReset'), 1, 30 * DAY);
    requireInteger(merged.refreshTokenLifetime, field('refreshTokenLifetime'), 60, MAX_TOKEN_LIFETIME);
    requireInteger(merged.refreshTokenReuseGrace, field('refreshTokenReuseGrace'), 0, 300);
    const client = merged.defaultPublicClient;
    if (client !== null) {
      requireString(client, field('defaultPublicClient'), CLIENT_ID, 'must be a client id');
      if (this.#clients !== undefined) {
        const found = await this.#clients.getClient(tenant.id, client);
        if (found?.clientType !== 'public') throw invalid(field('defaultPublicClient'), `must name a public client of tenant '${tenant.id}'`);
      }
    }
    const { maxFailures, waitIncrement, maxWait, failureReset } = lockout;
    return {
      lockout: { maxFailures, waitIncrement, maxWait, failureReset },
      refreshTokenLifetime: merged.refreshTokenLifetime,
      refreshTokenReuseGrace: merged.refreshTokenReuseGrace,
      defaultPublicClient: client,
    };
  }

  /** Tenants are few; paging happens over the ordered list. */
  async page(query: PageQuery): Promise<Page<Readonly<Tenant>>> {
    const all = await this.#tenants.listTenants();
    return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }
}

function settingsOf(t: Tenant): Record<string, unknown> {
  return { issuer: t.issuer, signingAlg: t.signingAlg, accessTokenLifetime: t.accessTokenLifetime, hosts: t.hosts, loginPolicy: t.loginPolicy, rateLimit: t.rateLimit };
}

/** The tenant, or a 404 `AdminError`: every service checks the tenant a request names this way. */
export async function requireTenant(tenants: TenantStore, id: string): Promise<Readonly<Tenant>> {
  const tenant = await tenants.getTenant(id);
  if (tenant === undefined) throw notFound(id);
  return tenant;
}

function notFound(id: string): AdminError {
  return new AdminError('not_found', `tenant '${id}' does not exist`);
}

/** Runs a store write, reporting a uniqueness conflict as 409. */
export async function conflictAsAdminError<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError) throw new AdminError('conflict', error.message);
    throw error;
  }
}
