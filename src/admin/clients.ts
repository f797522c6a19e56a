/**
 * Client management, shared by the CLI and the admin API. Secrets leave this
 * service exactly once, in the result of `create` or `rotateSecret`; what is
 * stored and listed is only their hash and dates.
 */
import type { Clock } from '../core/clock.ts';
import { generateClientSecret, hashChosenSecret, hashGeneratedSecret } from '../core/client-auth/client-secrets.ts';
import { MAX_ARGON2_INPUT_BYTES } from '../core/crypto/argon2id.ts';
import { GRANT_TYPES, type Client, type ClientSecret, type ClientType, type GrantType, type TokenFormat } from '../core/model.ts';
import { StoreConflictError } from '../store/errors.ts';
import type { ClientStore, TenantStore } from '../store/types.ts';
import { AdminError, invalid } from './admin-error.ts';
import { MAX_TOKEN_LIFETIME } from './tenants.ts';
import { ACCOUNT, CLIENT_ID, requireBoolean, requireInteger, requireList, requireOneOf, requireString, SCOPE_TOKEN } from './validate.ts';

export interface CreateClientInput {
  tenantId: string;
  id: string;
  name?: string;
  /** An operator-chosen secret (stored with argon2id); omitted: one is generated (stored as SHA-256). */
  secret?: string;
  grantTypes?: GrantType[];
  scopes?: string[];
  accounts?: string[];
  tokenFormat?: TokenFormat;
  /** Seconds; null or omitted: the tenant's default. */
  accessTokenLifetime?: number | null;
  audience?: string | null;
  /** `public`: no secret (identified by client_id alone), never client credentials. Default `confidential`. */
  clientType?: ClientType;
  /** Seed 003: a user's login revokes that user's earlier tokens for this client. Default false. */
  singleActiveToken?: boolean;
  enabled?: boolean;
}

/** A client as shown to operators: everything but secret hashes. */
export interface ClientView extends Omit<Client, 'secrets'> {
  secrets: { createdAt: number; expiresAt: number | null }[];
}

export interface ClientWithSecret {
  client: ClientView;
  /** Present only when Tessera generated the secret; shown once. */
  clientSecret: string | undefined;
}

/** Shortest operator-chosen secret accepted. Seed 000's sample password has 8 characters. */
export const MIN_CHOSEN_SECRET_LENGTH = 8;

export function viewClient(client: Client): ClientView {
  return { ...client, secrets: client.secrets.map(({ createdAt, expiresAt }) => ({ createdAt, expiresAt })) };
}

export class ClientService {
  readonly #clients: ClientStore;
  readonly #tenants: TenantStore;
  readonly #clock: Clock;

  constructor(store: { clients: ClientStore; tenants: TenantStore }, clock: Clock) {
    this.#clients = store.clients;
    this.#tenants = store.tenants;
    this.#clock = clock;
  }

  async create(input: CreateClientInput): Promise<ClientWithSecret> {
    await this.#requireTenant(input.tenantId);
    const now = this.#clock();
    const id = requireString(input.id, 'id', CLIENT_ID, "must be 1-255 visible ASCII characters without ':'");
    const clientType = requireOneOf(input.clientType ?? 'confidential', 'clientType', ['confidential', 'public'] as const);
    if (clientType === 'public' && input.secret !== undefined) throw invalid('secret', 'a public client has no secret');
    // RFC 6749 §2.1: a public client is "incapable of maintaining the confidentiality of their credentials".
    const { secret, generated } = clientType === 'public' ? { secret: undefined, generated: undefined } : await this.#newSecret(input.secret, now);
    const client: Client = {
      tenantId: input.tenantId,
      id,
      name: input.name ?? id,
      secrets: secret === undefined ? [] : [secret],
      grantTypes: requireList(input.grantTypes ?? ['client_credentials'], 'grantTypes', /.*/, '').map((g, i) =>
        requireOneOf(g, `grantTypes[${i}]`, GRANT_TYPES),
      ),
      scopes: requireList(input.scopes ?? [], 'scopes', SCOPE_TOKEN, 'must be a scope token (RFC 6749 §3.3)'),
      accounts: requireList(input.accounts ?? [], 'accounts', ACCOUNT, 'must be an account number of letters, digits, - or _'),
      tokenFormat: requireOneOf(input.tokenFormat ?? 'opaque', 'tokenFormat', ['opaque', 'jwt'] as const),
      accessTokenLifetime:
        input.accessTokenLifetime == null ? null : requireInteger(input.accessTokenLifetime, 'accessTokenLifetime', 1, MAX_TOKEN_LIFETIME),
      audience: input.audience ?? null,
      clientType,
      singleActiveToken: requireBoolean(input.singleActiveToken ?? false, 'singleActiveToken'),
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    if (client.grantTypes.length === 0) throw invalid('grantTypes', 'must name at least one grant type');
    // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
    if (clientType === 'public' && client.grantTypes.includes('client_credentials')) {
      throw invalid('grantTypes', 'a public client cannot use client_credentials');
    }
    try {
      await this.#clients.createClient(client);
    } catch (error) {
      if (error instanceof StoreConflictError) throw new AdminError('conflict', error.message);
      throw error;
    }
    return { client: viewClient(client), clientSecret: generated };
  }

  async get(tenantId: string, id: string): Promise<ClientView> {
    return viewClient(await this.#require(tenantId, id));
  }

  async list(tenantId: string): Promise<ClientView[]> {
    await this.#requireTenant(tenantId);
    return (await this.#clients.listClients(tenantId)).map(viewClient);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.#clients.deleteClient(tenantId, id))) throw notFound(tenantId, id);
  }

  /**
   * Replaces the client's secret. With `overlapSeconds` > 0 the current
   * secrets stay valid that long, so deployed callers can switch without an
   * outage; with 0 they stop working at once.
   */
  async rotateSecret(tenantId: string, id: string, options: { secret?: string; overlapSeconds?: number } = {}): Promise<ClientWithSecret> {
    const client = await this.#require(tenantId, id);
    if (client.clientType === 'public') throw invalid('clientType', 'a public client has no secret to rotate');
    const now = this.#clock();
    const overlap = requireInteger(options.overlapSeconds ?? 0, 'overlapSeconds', 0, 30 * 24 * 3600);
    const { secret, generated } = await this.#newSecret(options.secret, now);
    const kept = overlap === 0
      ? []
      : client.secrets
          .filter((s) => s.expiresAt === null || s.expiresAt > now)
          .map((s) => ({ ...s, expiresAt: Math.min(s.expiresAt ?? Infinity, now + overlap * 1000) }));
    client.secrets = [...kept, secret];
    client.updatedAt = now;
    if (!(await this.#clients.updateClient(client))) throw notFound(tenantId, id);
    return { client: viewClient(client), clientSecret: generated };
  }

  async #newSecret(chosen: string | undefined, now: number): Promise<{ secret: ClientSecret; generated: string | undefined }> {
    if (chosen === undefined) {
      const generated = generateClientSecret();
      return { secret: { hash: hashGeneratedSecret(generated), createdAt: now, expiresAt: null }, generated };
    }
    if (typeof chosen !== 'string' || chosen.length < MIN_CHOSEN_SECRET_LENGTH) {
      throw invalid('secret', `must have at least ${MIN_CHOSEN_SECRET_LENGTH} characters`);
    }
    if (Buffer.byteLength(chosen) > MAX_ARGON2_INPUT_BYTES) throw invalid('secret', `must be at most ${MAX_ARGON2_INPUT_BYTES} bytes`);
    return { secret: { hash: await hashChosenSecret(chosen), createdAt: now, expiresAt: null }, generated: undefined };
  }

  async #require(tenantId: string, id: string): Promise<Client> {
    const client = await this.#clients.getClient(tenantId, id);
    if (client === undefined) throw notFound(tenantId, id);
    return client;
  }

  async #requireTenant(tenantId: string): Promise<void> {
    if ((await this.#tenants.getTenant(tenantId)) === undefined) throw new AdminError('not_found', `tenant '${tenantId}' does not exist`);
  }
}

function notFound(tenantId: string, id: string): AdminError {
  return new AdminError('not_found', `client '${id}' does not exist in tenant '${tenantId}'`);
}
