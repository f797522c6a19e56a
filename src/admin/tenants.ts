/**
 * Tenant management, shared by the CLI and the admin API.
 */
import type { Clock } from '../core/clock.ts';
import { DEFAULT_LOGIN_POLICY } from '../core/login-policy.ts';
import type { JwtProfile, LockoutPolicy, LoginPolicy, Tenant } from '../core/model.ts';
import { DEFAULT_JWT_PROFILE } from '../core/tokens/jwt-profile.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import { StoreConflictError } from '../core/ports/errors.ts';
import type { Page, PageQuery } from '../core/ports/paging.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { AdminError, invalid } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { applyRateLimitChange, type TenantRateLimitInput } from './rate-limit-settings.ts';
import { checkSettings, defaultsOf } from './settings/field.ts';
import { TENANT_SETTINGS, type TenantSettings as DeclaredTenantSettings } from './settings/tenant-settings.ts';
import { requireString, TENANT_ID } from './validate.ts';

export { DEFAULT_ACCESS_TOKEN_LIFETIME } from './settings/tenant-settings.ts';
export { MAX_TOKEN_LIFETIME } from './settings/client-settings.ts';

/** Login settings as an operator changes them: any subset, merged over what is stored. */
export interface LoginPolicyInput {
  lockout?: Partial<LockoutPolicy>;
  refreshTokenLifetime?: number;
  refreshTokenReuseGrace?: number;
  defaultPublicClient?: string | null;
}

/** Settings an operator may change after creation; `loginPolicy`, `rateLimit` and `jwt` are merged over what is stored. */
export type TenantSettings = Omit<DeclaredTenantSettings, 'loginPolicy' | 'rateLimit' | 'jwt'> & { loginPolicy: LoginPolicyInput; rateLimit: TenantRateLimitInput; jwt: Partial<JwtProfile> };

export interface CreateTenantInput extends Partial<TenantSettings> {
  id: string;
  issuer: string;
  /** The issuer given is the server's own URL, to follow it at each start (the CLI's and the bootstrap's tenants); default false. */
  issuerFollowsServer?: boolean;
}

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
    const id = requireString(input.id, 'id', TENANT_ID, 'must be a host name or id of letters, digits, dots and dashes');
    const { id: _id, loginPolicy, issuerFollowsServer, ...given } = input;
    const { loginPolicy: _defaultPolicy, jwt: _noJwtDefault, ...defaults } = defaultsOf(TENANT_SETTINGS);
    const { jwt, ...settings } = { ...defaults, ...checkSettings(TENANT_SETTINGS, given) };
    if (settings.issuer === undefined) throw invalid('issuer', 'is required');
    await this.#requireUniqueIssuer(id, settings.issuer as string);
    const tenant: Tenant = {
      id,
      ...(settings as Omit<Tenant, 'id' | 'loginPolicy' | 'issuerFollowsServer' | 'jwt' | 'createdAt' | 'updatedAt'>),
      loginPolicy: DEFAULT_LOGIN_POLICY,
      jwt: { ...DEFAULT_JWT_PROFILE, ...(jwt as Partial<JwtProfile> | undefined) },
      issuerFollowsServer: issuerFollowsServer ?? false,
      createdAt: now,
      updatedAt: now,
    };
    tenant.loginPolicy = await this.#loginPolicy(tenant, loginPolicy);
    await conflictAsAdminError(() => this.#tenants.createTenant(tenant, this.#audit.entry(context, tenant.id, 'tenant.create', tenant.id, settingsOf(tenant))));
    return tenant;
  }

  /** Applies the given settings only; others keep their values. */
  async update(id: string, patch: Partial<TenantSettings>, context: ChangeContext): Promise<Tenant> {
    const stored = await this.get(id);
    const { loginPolicy, ...given } = patch;
    const changed: Partial<Tenant> = checkSettings(TENANT_SETTINGS, given) as Partial<Tenant>;
    // An issuer given is the operator's choice: the server no longer sets it.
    if (changed.issuer !== undefined) {
      changed.issuerFollowsServer = false;
      await this.#requireUniqueIssuer(id, changed.issuer);
    }
    if (loginPolicy !== undefined) changed.loginPolicy = await this.#loginPolicy(stored, loginPolicy);
    if (patch.rateLimit !== undefined) changed.rateLimit = applyRateLimitChange('tenant', patch.rateLimit, stored.rateLimit);
    if (changed.jwt !== undefined) changed.jwt = { ...stored.jwt, ...changed.jwt };
    const tenant: Tenant = { ...stored, ...changed, updatedAt: this.#clock() };
    const entry = this.#audit.entry(context, id, 'tenant.update', id, changed);
    await conflictAsAdminError(async () => {
      if (!(await this.#tenants.updateTenant(tenant, entry))) throw notFound(id);
    });
    return tenant;
  }

  /**
   * Sets the issuer of a tenant whose issuer follows the server's URL (a
   * start of `tessera serve` with another `publicUrl` or port); a tenant
   * whose issuer an operator chose is left as it is. Returns the tenant.
   */
  async followServer(id: string, issuer: string, context: ChangeContext): Promise<Readonly<Tenant>> {
    const stored = await this.get(id);
    if (!stored.issuerFollowsServer || stored.issuer === issuer) return stored;
    const tenant: Tenant = { ...stored, issuer: TENANT_SETTINGS.issuer.check(issuer, 'issuer'), updatedAt: this.#clock() };
    const entry = this.#audit.entry(context, id, 'tenant.update', id, { issuer: tenant.issuer, issuerFollowsServer: true });
    await conflictAsAdminError(async () => {
      if (!(await this.#tenants.updateTenant(tenant, entry))) throw notFound(id);
    });
    return tenant;
  }

  /**
   * An issuer names one tenant: a verifier bound to an issuer trusts that
   * issuer's keys, so a second tenant with the same issuer could mint tokens
   * the first tenant's resource servers accept. Issuers differing only by a
   * trailing slash are the same issuer to a verifier building URLs from them.
   */
  async #requireUniqueIssuer(id: string, issuer: string): Promise<void> {
    const key = issuerKey(issuer);
    const owner = (await this.#tenants.listTenants()).find((t) => t.id !== id && issuerKey(t.issuer) === key);
    if (owner !== undefined) throw new AdminError('conflict', `issuer '${issuer}' is already the issuer of another tenant`);
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

  /** The stored policy with `input`'s members merged over it, each checked, and the rules between members. */
  async #loginPolicy(tenant: Readonly<Tenant>, input: LoginPolicyInput | undefined): Promise<LoginPolicy> {
    if (input === undefined) return tenant.loginPolicy;
    const stored = tenant.loginPolicy;
    const given = TENANT_SETTINGS.loginPolicy.check(input, 'loginPolicy');
    const policy: LoginPolicy = { ...stored, ...given, lockout: { ...stored.lockout, ...given.lockout } };
    if (policy.lockout.maxWait < policy.lockout.waitIncrement) {
      throw invalid('loginPolicy.lockout.maxWait', `must be at least lockout.waitIncrement (${policy.lockout.waitIncrement})`);
    }
    const client = policy.defaultPublicClient;
    if (client !== null && this.#clients !== undefined) {
      const found = await this.#clients.getClient(tenant.id, client);
      if (found?.clientType !== 'public') throw invalid('loginPolicy.defaultPublicClient', `must name a public client of tenant '${tenant.id}'`);
    }
    return policy;
  }

  /** Tenants are few; paging happens over the ordered list. */
  async page(query: PageQuery): Promise<Page<Readonly<Tenant>>> {
    const all = await this.#tenants.listTenants();
    return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }
}

/** An issuer as a verifier compares it: host case and default port normalised, no trailing slash. */
function issuerKey(issuer: string): string {
  const normal = URL.canParse(issuer) ? new URL(issuer).href : issuer;
  return normal.replace(/\/+$/, '');
}

function settingsOf(t: Tenant): Record<string, unknown> {
  return {
    issuer: t.issuer, issuerFollowsServer: t.issuerFollowsServer, signingAlg: t.signingAlg, accessTokenLifetime: t.accessTokenLifetime,
    hosts: t.hosts, corsOrigins: t.corsOrigins, loginPolicy: t.loginPolicy, rateLimit: t.rateLimit, jwt: t.jwt,
  };
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
