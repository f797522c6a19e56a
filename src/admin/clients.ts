/**
 * Client management, shared by the CLI and the admin API. Secrets leave this
 * service exactly once, in the result of `create` or `rotateSecret`; what is
 * stored and listed is only their hash and dates, and the audit log never
 * sees them.
 */
import type { Clock } from '../core/clock.ts';
import { lockStatus, type LockStatus } from '../core/login-policy.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import { generateClientSecret, hashChosenSecret, hashGeneratedSecret } from '../core/client-auth/client-secrets.ts';
import { MAX_ARGON2_INPUT_BYTES, type Argon2id } from '../core/crypto/argon2id.ts';
import type { Client, ClientSecret, ClientType } from '../core/model.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { Page, PageQuery } from '../core/ports/paging.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { AdminError, invalid } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { conflictAsAdminError, requireTenant } from './tenants.ts';
import { applyRateLimitChange, type ClientRateLimitInput } from './rate-limit-settings.ts';
import { CLIENT_SETTINGS, type ClientSettings } from './settings/client-settings.ts';
import { checkSettings, defaultsOf } from './settings/field.ts';
import { CLIENT_ID, requireInteger, requireOneOf, requireString } from './validate.ts';

export type { ClientSettings } from './settings/client-settings.ts';

/** A change of settings: the plain ones replace what is stored, `rateLimit` is merged over it (null drops a member). */
export type ClientSettingsChange = Partial<Omit<ClientSettings, 'rateLimit'>> & { rateLimit?: ClientRateLimitInput | undefined };

export interface CreateClientInput extends ClientSettingsChange {
  tenantId: string;
  id: string;
  /** `public`: no secret (identified by client_id alone), never client credentials. Default `confidential`. */
  clientType?: ClientType | undefined;
  /** An operator-chosen secret (stored with argon2id); omitted: one is generated (stored as SHA-256). */
  secret?: string | undefined;
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
/** Longest overlap during which a rotated-out secret keeps working. */
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 3600;

export function viewClient(client: Readonly<Client>): ClientView {
  return { ...client, secrets: client.secrets.map(({ createdAt, expiresAt }) => ({ createdAt, expiresAt })) };
}

export class ClientService {
  readonly #clients: ClientStore;
  readonly #tenants: TenantStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #argon2: Argon2id;
  readonly #lockouts: LockoutStore;

  constructor(store: { clients: ClientStore; tenants: TenantStore; audit: AuditStore; clientLockouts: LockoutStore }, clock: Clock, argon2: Argon2id) {
    this.#argon2 = argon2;
    this.#lockouts = store.clientLockouts;
    this.#clients = store.clients;
    this.#tenants = store.tenants;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async create(input: CreateClientInput, context: ChangeContext): Promise<ClientWithSecret> {
    await requireTenant(this.#tenants, input.tenantId);
    const now = this.#clock();
    const id = requireString(input.id, 'id', CLIENT_ID, "must be 1-255 visible ASCII characters without ':'");
    const { tenantId: _tenantId, id: _id, clientType: _clientType, secret: _secret, ...given } = input;
    const settings = { ...defaultsOf(CLIENT_SETTINGS), name: id, ...checkSettings(CLIENT_SETTINGS, given) } as ClientSettings;
    const clientType = requireOneOf(input.clientType ?? 'confidential', 'clientType', ['confidential', 'public'] as const);
    if (clientType === 'public' && input.secret !== undefined) throw invalid('secret', 'a public client has no secret');
    // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
    if (clientType === 'public' && settings.grantTypes.includes('client_credentials')) {
      throw invalid('grantTypes', 'a public client cannot use client_credentials');
    }
    // RFC 6749 §2.1: a public client is "incapable of maintaining the confidentiality of their credentials".
    const { secret, generated } = clientType === 'public' ? { secret: undefined, generated: undefined } : await this.#newSecret(input.secret, now);
    const client: Client = {
      tenantId: input.tenantId, id, ...settings, clientType, secrets: secret === undefined ? [] : [secret], createdAt: now, updatedAt: now,
    };
    const secretKind = clientType === 'public' ? 'none' : input.secret === undefined ? 'generated' : 'chosen';
    const entry = this.#audit.entry(context, client.tenantId, 'client.create', id, { ...settings, clientType, secret: secretKind });
    await conflictAsAdminError(() => this.#clients.createClient(client, entry));
    return { client: viewClient(client), clientSecret: generated };
  }

  /** Applies the given settings only; others keep their values. Secrets change only by {@link rotateSecret}. */
  async update(tenantId: string, id: string, patch: ClientSettingsChange, context: ChangeContext): Promise<ClientView> {
    const stored = await this.#require(tenantId, id);
    const changed = checkSettings(CLIENT_SETTINGS, patch);
    if (patch.rateLimit !== undefined) changed.rateLimit = applyRateLimitChange('client', patch.rateLimit, stored.rateLimit);
    const client: Client = { ...stored, ...changed, updatedAt: this.#clock() };
    if (client.clientType === 'public' && client.grantTypes.includes('client_credentials')) {
      throw invalid('grantTypes', 'a public client cannot use client_credentials');
    }
    if (!(await this.#clients.updateClient(client, this.#audit.entry(context, tenantId, 'client.update', id, changed)))) throw notFound(tenantId, id);
    return viewClient(client);
  }

  /** The client (secret hashes included, for the server's own checks), or undefined when it does not exist. */
  find(tenantId: string, id: string): Promise<Readonly<Client> | undefined> {
    return this.#clients.getClient(tenantId, id);
  }

  async get(tenantId: string, id: string): Promise<ClientView> {
    return viewClient(await this.#require(tenantId, id));
  }

  async list(tenantId: string): Promise<ClientView[]> {
    await requireTenant(this.#tenants, tenantId);
    return (await this.#clients.listClients(tenantId)).map(viewClient);
  }

  async page(tenantId: string, query: PageQuery): Promise<Page<ClientView>> {
    await requireTenant(this.#tenants, tenantId);
    const page = await this.#clients.pageClients(tenantId, query);
    return { items: page.items.map(viewClient), total: page.total };
  }

  async delete(tenantId: string, id: string, context: ChangeContext): Promise<void> {
    if (!(await this.#clients.deleteClient(tenantId, id, this.#audit.entry(context, tenantId, 'client.delete', id)))) throw notFound(tenantId, id);
  }

  /**
   * Replaces the client's secret. With `overlapSeconds` > 0 the current
   * secrets stay valid that long, so deployed callers can switch without an
   * outage; with 0 they stop working at once.
   */
  async rotateSecret(
    tenantId: string,
    id: string,
    options: { secret?: string | undefined; overlapSeconds?: number | undefined },
    context: ChangeContext,
  ): Promise<ClientWithSecret> {
    const stored = await this.#require(tenantId, id);
    if (stored.clientType === 'public') throw invalid('clientType', 'a public client has no secret to rotate');
    const now = this.#clock();
    const overlap = requireInteger(options.overlapSeconds ?? 0, 'overlapSeconds', 0, MAX_ROTATION_OVERLAP_SECONDS);
    const { secret, generated } = await this.#newSecret(options.secret, now);
    const kept = overlap === 0
      ? []
      : stored.secrets
          .filter((s) => s.expiresAt === null || s.expiresAt > now)
          .map((s) => ({ ...s, expiresAt: Math.min(s.expiresAt ?? Infinity, now + overlap * 1000) }));
    const client: Client = { ...stored, secrets: [...kept, secret], updatedAt: now };
    const entry = this.#audit.entry(context, tenantId, 'client.rotate-secret', id, { overlapSeconds: overlap, secret: generated ? 'generated' : 'chosen' });
    if (!(await this.#clients.updateClient(client, entry))) throw notFound(tenantId, id);
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
    return { secret: { hash: await hashChosenSecret(this.#argon2, chosen), createdAt: now, expiresAt: null }, generated: undefined };
  }

  /** Whether failed secrets locked the client (only a client with an operator-chosen secret can be), and its failure record. */
  async lockState(tenantId: string, id: string): Promise<LockStatus> {
    const client = await this.#require(tenantId, id);
    return lockStatus(await this.#lockouts.getLockState(tenantId, client.id), this.#clock());
  }

  /** Lifts a lock and resets the failure count. */
  async unlock(tenantId: string, id: string, context: ChangeContext): Promise<LockStatus> {
    const client = await this.#require(tenantId, id);
    await this.#lockouts.unlock(tenantId, client.id, this.#audit.entry(context, tenantId, 'client.unlock', client.id));
    return lockStatus(await this.#lockouts.getLockState(tenantId, client.id), this.#clock());
  }

  async #require(tenantId: string, id: string): Promise<Readonly<Client>> {
    const client = await this.#clients.getClient(tenantId, id);
    if (client === undefined) throw notFound(tenantId, id);
    return client;
  }

}

function notFound(tenantId: string, id: string): AdminError {
  return new AdminError('not_found', `client '${id}' does not exist in tenant '${tenantId}'`);
}
