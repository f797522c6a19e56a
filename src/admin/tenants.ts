/**
 * Tenant management, shared by the CLI and the admin API.
 */
import type { Clock } from '../core/clock.ts';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type Tenant } from '../core/model.ts';
import { StoreConflictError } from '../store/errors.ts';
import type { TenantStore } from '../store/types.ts';
import { AdminError } from './admin-error.ts';
import { requireInteger, requireList, requireOneOf, requireString, requireUrl, TENANT_ID } from './validate.ts';

export interface CreateTenantInput {
  id: string;
  issuer: string;
  signingAlg?: SigningAlgorithm;
  /** Seconds; default 3600 (seed 000's figure). */
  accessTokenLifetime?: number;
  hosts?: string[];
}

export const MAX_TOKEN_LIFETIME = 366 * 24 * 3600;

export class TenantService {
  readonly #store: TenantStore;
  readonly #clock: Clock;

  constructor(store: TenantStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async create(input: CreateTenantInput): Promise<Tenant> {
    const now = this.#clock();
    const tenant: Tenant = {
      id: requireString(input.id, 'id', TENANT_ID, 'must be a host name or id of letters, digits, dots and dashes'),
      issuer: requireUrl(input.issuer, 'issuer'),
      signingAlg: requireOneOf(input.signingAlg ?? 'ES256', 'signingAlg', SIGNING_ALGORITHMS),
      accessTokenLifetime: requireInteger(input.accessTokenLifetime ?? 3600, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME),
      hosts: requireList(input.hosts ?? [], 'hosts', TENANT_ID, 'must be a host name').map((h) => h.toLowerCase()),
      createdAt: now,
      updatedAt: now,
    };
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
}
