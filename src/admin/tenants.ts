/**
 * Tenant management, shared by the CLI and the admin API.
 */
import type { Clock } from '../core/clock.ts';
import { DEFAULT_LOGIN_POLICY, withLoginDefaults } from '../core/login-policy.ts';
import { SIGNING_ALGORITHMS, type LockoutPolicy, type LoginPolicy, type SigningAlgorithm, type Tenant } from '../core/model.ts';
import { StoreConflictError } from '../store/errors.ts';
import type { ClientStore, TenantStore } from '../store/types.ts';
import { AdminError, invalid } from './admin-error.ts';
import { CLIENT_ID, requireInteger, requireList, requireOneOf, requireString, requireUrl, TENANT_ID } from './validate.ts';

/** Login settings as an operator changes them: any subset, merged over what is stored. */
export interface LoginPolicyInput {
  lockout?: Partial<LockoutPolicy>;
  refreshTokenLifetime?: number;
  refreshTokenReuseGrace?: number;
  defaultPublicClient?: string | null;
}

export interface CreateTenantInput {
  id: string;
  issuer: string;
  signingAlg?: SigningAlgorithm;
  /** Seconds; default 3600 (seed 000's figure). */
  accessTokenLifetime?: number;
  hosts?: string[];
  loginPolicy?: LoginPolicyInput;
}

export interface UpdateTenantInput {
  accessTokenLifetime?: number;
  loginPolicy?: LoginPolicyInput;
}

export const MAX_TOKEN_LIFETIME = 366 * 24 * 3600;
const DAY = 24 * 3600;

export class TenantService {
  readonly #store: TenantStore;
  readonly #clock: Clock;
  readonly #clients: ClientStore | undefined;

  /** With `clients`, a `defaultPublicClient` is checked to exist and be public when it is set. */
  constructor(store: TenantStore, clock: Clock, clients?: ClientStore) {
    this.#store = store;
    this.#clock = clock;
    this.#clients = clients;
  }

  async create(input: CreateTenantInput): Promise<Tenant> {
    const now = this.#clock();
    const tenant: Tenant = {
      id: requireString(input.id, 'id', TENANT_ID, 'must be a host name or id of letters, digits, dots and dashes'),
      issuer: requireUrl(input.issuer, 'issuer'),
      signingAlg: requireOneOf(input.signingAlg ?? 'ES256', 'signingAlg', SIGNING_ALGORITHMS),
      accessTokenLifetime: requireInteger(input.accessTokenLifetime ?? 3600, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME),
      hosts: requireList(input.hosts ?? [], 'hosts', TENANT_ID, 'must be a host name').map((h) => h.toLowerCase()),
      loginPolicy: DEFAULT_LOGIN_POLICY,
      createdAt: now,
      updatedAt: now,
    };
    tenant.loginPolicy = await this.#loginPolicy(tenant, input.loginPolicy);
    try {
      await this.#store.createTenant(tenant);
    } catch (error) {
      if (error instanceof StoreConflictError) throw new AdminError('conflict', error.message);
      throw error;
    }
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.#store.getTenant(id);
    if (tenant === undefined) throw new AdminError('not_found', `tenant '${id}' does not exist`);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.#store.listTenants();
  }

  /** Changes a tenant's token lifetime and login settings; what is not given stays as it is. */
  async update(id: string, input: UpdateTenantInput): Promise<Tenant> {
    const tenant = await this.get(id);
    if (input.accessTokenLifetime !== undefined) {
      tenant.accessTokenLifetime = requireInteger(input.accessTokenLifetime, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME);
    }
    tenant.loginPolicy = await this.#loginPolicy(tenant, input.loginPolicy);
    tenant.updatedAt = this.#clock();
    if (!(await this.#store.updateTenant(tenant))) throw new AdminError('not_found', `tenant '${id}' does not exist`);
    return tenant;
  }

  async #loginPolicy(tenant: Tenant, input: LoginPolicyInput | undefined): Promise<LoginPolicy> {
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
}
