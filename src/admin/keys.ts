/**
 * Signing-key management, shared by the CLI and the admin API: listing a
 * tenant's keys and rotating them.
 *
 * A rotation never surprises a verifier:
 * 1. the new key is stored at once, so it appears in the JWKS, but only starts
 *    signing after the pre-publication delay, by which time verifiers that
 *    cache the JWKS have fetched it;
 * 2. the keys it replaces keep verifying until every token they can have
 *    signed has expired (the longest token lifetime in the tenant, plus a
 *    leeway), and then leave the JWKS;
 * 3. a replaced key's private half is deleted as soon as its successor signs
 *    (it only verifies from then on), and the key itself once past its
 *    retirement ({@link KeyService.housekeep}, run by rotations, revocations
 *    and the server's periodic purge);
 * 4. a rotation replaces the keys of every algorithm, not only the tenant's
 *    current one: after a `signingAlg` change the old algorithm's keys retire
 *    too.
 *
 * A compromised key is revoked instead ({@link KeyService.revoke}): deleted at
 * once, both halves, so it leaves the JWKS and the tokens it signed stop
 * introspecting as active in every process at its next request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
import type { Clock } from '../core/clock.ts';
import type { SigningKey, Tenant } from '../core/model.ts';
import {
  activeSigningKey,
  DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
  keyState,
  MAX_KEY_PRE_PUBLICATION_SECONDS,
  nextGeneration,
  type KeyState,
} from '../core/tokens/key-schedule.ts';
import { DEFAULT_KEY_REFRESH_MS, generateSigningKey } from '../core/tokens/signing-keys.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { ClientStore } from '../core/ports/clients.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { AdminError } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { requireTenant } from './tenants.ts';
import { requireInteger } from './validate.ts';

/**
 * Added to the longest token lifetime before a replaced key leaves the JWKS:
 * a server process may sign with the old key until it next re-reads the keys
 * (one refresh interval), and clocks of servers and verifiers drift apart.
 */
export const RETIREMENT_LEEWAY_MS = DEFAULT_KEY_REFRESH_MS + 5 * 60_000;

/** A key as shown to operators: its schedule and state, never key material. */
export interface KeyView {
  kid: string;
  alg: string;
  generation: number;
  state: KeyState;
  createdAt: number;
  activatesAt: number;
  retiresAt: number | null;
}

export interface RevokeKeyResult {
  tenant: string;
  /** The key revoked (its state as it was). */
  revoked: KeyView;
  /** Every key of the tenant after the revocation. */
  keys: KeyView[];
}

/** What one housekeeping pass of a tenant's keys did. */
export interface KeyHousekeeping {
  /** Keys past their retirement, deleted. */
  deleted: number;
  /** Private halves of keys that only verify, deleted. */
  privateHalvesDeleted: number;
  /** Keys of an algorithm the tenant no longer signs with, given a retirement. */
  retired: number;
}

export interface RotateKeyResult {
  tenant: string;
  /** The new key (pending until `activatesAt`). */
  key: KeyView;
  /** Every key of the tenant after the rotation. */
  keys: KeyView[];
  /** Retired keys deleted by this rotation. */
  deleted: number;
}

export function viewKeys(keys: readonly SigningKey[], now: number): KeyView[] {
  return keys.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    generation: k.generation,
    state: keyState(k, keys, now),
    createdAt: k.createdAt,
    activatesAt: k.activatesAt,
    retiresAt: k.retiresAt,
  }));
}

export class KeyService {
  readonly #keys: KeyStore;
  readonly #tenants: TenantStore;
  readonly #clients: ClientStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(store: { keys: KeyStore; tenants: TenantStore; clients: ClientStore; audit: AuditStore }, clock: Clock) {
    this.#keys = store.keys;
    this.#tenants = store.tenants;
    this.#clients = store.clients;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async list(tenantId: string): Promise<KeyView[]> {
    await requireTenant(this.#tenants, tenantId);
    return viewKeys(await this.#keys.listKeys(tenantId), this.#clock());
  }

  /**
   * Creates the next key of the tenant's algorithm, signing after
   * `prePublicationSeconds`, and schedules the retirement of the keys it
   * replaces. A tenant without a current key gets one that signs at once:
   * there is no earlier key whose verifiers need warning.
   *
   * @throws AdminError `conflict` when another rotation created the same generation at the same moment.
   */
  async rotate(tenantId: string, options: { prePublicationSeconds?: number | undefined }, context: ChangeContext): Promise<RotateKeyResult> {
    const tenant = await requireTenant(this.#tenants, tenantId);
    const delay = requireInteger(
      options.prePublicationSeconds ?? DEFAULT_KEY_PRE_PUBLICATION_SECONDS,
      'prePublicationSeconds',
      0,
      MAX_KEY_PRE_PUBLICATION_SECONDS,
    );
    const now = this.#clock();
    const deleted = await this.#keys.deleteRetiredKeys(tenant.id, now);
    const keys = await this.#keys.listKeys(tenant.id);
    const current = activeSigningKey(keys, tenant.signingAlg, now);
    const candidate = await generateSigningKey(tenant.id, tenant.signingAlg, now, {
      generation: nextGeneration(keys, tenant.signingAlg),
      activatesAt: current === undefined ? now : now + delay * 1000,
    });
    // The replaced keys sign until the new one activates; their last tokens expire at most one lifetime later.
    const retiresAt = candidate.activatesAt + (await this.#longestTokenLifetime(tenant)) * 1000 + RETIREMENT_LEEWAY_MS;
    const retire = [
      { alg: tenant.signingAlg, belowGeneration: candidate.generation },
      // Keys of another algorithm (left by a signingAlg change) sign nothing any more: they retire with the rest.
      ...[...new Set(keys.map((k) => k.alg))].filter((alg) => alg !== tenant.signingAlg).map((alg) => ({ alg, belowGeneration: nextGeneration(keys, alg) })),
    ];
    const entry = this.#audit.entry(context, tenant.id, 'key.rotate', candidate.kid, { alg: candidate.alg, generation: candidate.generation, activatesAt: candidate.activatesAt });
    // The insertion, the retirements and the entry are one transaction; a generation another rotation took changes nothing.
    const stored = await this.#keys.rotateKey(candidate, retire, retiresAt, entry);
    if (stored.kid !== candidate.kid) {
      throw new AdminError('conflict', `another rotation created key generation ${stored.generation} of tenant '${tenant.id}' at the same time; nothing was changed`);
    }
    await this.housekeep(tenant.id);
    const after = viewKeys(await this.#keys.listKeys(tenant.id), now);
    return { tenant: tenant.id, key: after.find((k) => k.kid === stored.kid)!, keys: after, deleted };
  }

  /**
   * Withdraws a key at once: deleted with both halves, so it leaves the JWKS
   * and every token it signed stops being accepted by introspection and the
   * admin API, in every process at its next request (the store raises the
   * tenant's `keysRevision` in the same transaction). Resource servers that
   * cache the JWKS drop it at their next fetch. When the key was the one
   * signing, the next token gets a fresh key that signs at once.
   *
   * @throws AdminError `not_found` when the tenant has no key `kid`.
   */
  async revoke(tenantId: string, kid: string, context: ChangeContext): Promise<RevokeKeyResult> {
    const tenant = await requireTenant(this.#tenants, tenantId);
    const now = this.#clock();
    const before = await this.#keys.listKeys(tenant.id);
    const view = viewKeys(before, now).find((k) => k.kid === kid);
    if (view === undefined || !(await this.#keys.revokeKey(tenant.id, kid, this.#audit.entry(context, tenant.id, 'key.revoke', kid, { alg: view.alg, generation: view.generation, state: view.state })))) {
      throw new AdminError('not_found', `tenant '${tenant.id}' has no signing key '${kid}'`);
    }
    return { tenant: tenant.id, revoked: view, keys: viewKeys(await this.#keys.listKeys(tenant.id), now) };
  }

  /**
   * Deletes what a tenant's keys no longer need: keys past their retirement,
   * the private halves of keys that only verify (a successor of their
   * algorithm signs, or their algorithm is no longer the tenant's), and
   * schedules the retirement of keys of an algorithm the tenant stopped
   * signing with, one token lifetime ahead.
   */
  async housekeep(tenantId: string): Promise<KeyHousekeeping> {
    const tenant = await this.#tenants.getTenant(tenantId);
    if (tenant === undefined) return { deleted: 0, privateHalvesDeleted: 0, retired: 0 };
    const now = this.#clock();
    const deleted = await this.#keys.deleteRetiredKeys(tenant.id, now);
    let keys = await this.#keys.listKeys(tenant.id);
    let retired = 0;
    const stale = [...new Set(keys.filter((k) => k.alg !== tenant.signingAlg && k.retiresAt === null).map((k) => k.alg))];
    if (stale.length > 0) {
      const retiresAt = now + (await this.#longestTokenLifetime(tenant)) * 1000 + RETIREMENT_LEEWAY_MS;
      for (const alg of stale) retired += await this.#keys.retireKeys(tenant.id, alg, nextGeneration(keys, alg), retiresAt);
      keys = await this.#keys.listKeys(tenant.id);
    }
    const verifyingOnly = keys.filter((k) => k.privateJwk !== null && onlyVerifies(k, keys, tenant, now)).map((k) => k.kid);
    const privateHalvesDeleted = await this.#keys.deletePrivateKeys(tenant.id, verifyingOnly);
    return { deleted, privateHalvesDeleted, retired };
  }

  /** {@link housekeep} for every tenant (the server's periodic purge). */
  async housekeepAll(): Promise<KeyHousekeeping> {
    const total = { deleted: 0, privateHalvesDeleted: 0, retired: 0 };
    for (const tenant of await this.#tenants.listTenants()) {
      const done = await this.housekeep(tenant.id);
      total.deleted += done.deleted;
      total.privateHalvesDeleted += done.privateHalvesDeleted;
      total.retired += done.retired;
    }
    return total;
  }

  /** Seconds: the tenant's default lifetime or a client's own, whichever is longest. */
  async #longestTokenLifetime(tenant: Tenant): Promise<number> {
    const clients = await this.#clients.listClients(tenant.id);
    return clients.reduce((max, c) => Math.max(max, c.accessTokenLifetime ?? 0), tenant.accessTokenLifetime);
  }
}

/**
 * Whether a key will never sign again: it has a retirement and is not the key
 * its algorithm signs with now (a successor activated), or its algorithm is
 * not the tenant's. A pending key, or the one signing, keeps its private half.
 */
function onlyVerifies(key: SigningKey, keys: readonly SigningKey[], tenant: Tenant, now: number): boolean {
  if (key.activatesAt > now) return false;
  if (key.alg !== tenant.signingAlg) return key.retiresAt !== null;
  return key.retiresAt !== null && activeSigningKey(keys, key.alg, now)?.kid !== key.kid;
}
