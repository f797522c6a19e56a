/**
 * Per-tenant signing keys: generated on first need, stored, imported into
 * `CryptoKey`s once per process, and re-read on a short interval so a
 * rotation made by another process (or the CLI) is noticed.
 *
 * Which key signs is decided at each signature from the stored schedule and
 * the clock ({@link activeSigningKey}), not from what this process did: a key
 * pre-published by a rotation starts signing in every process at the instant
 * it activates, provided the processes re-read the keys more often than the
 * pre-publication delay.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 JWK
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK thumbprint (used as `kid`)
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock.ts';
import type { SigningAlgorithm, SigningKey, Tenant } from '../model.ts';
import type { KeyStore } from '../ports/keys.ts';
import { publishedKeyId } from './key-ids.ts';
import { activeSigningKey, isPublished, nextGeneration } from './key-schedule.ts';

export interface ActiveKey {
  /** The `kid` it signs under (the tenant's naming, key-ids.ts). */
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface GenerateKeyOptions {
  /** Default 1: a tenant's first key. */
  generation?: number;
  /** When the key starts signing; default `now`. */
  activatesAt?: number;
}

/** Generates a fresh key pair for `alg` as stored JWKs; `kid` is the RFC 7638 thumbprint. */
export async function generateSigningKey(tenantId: string, alg: SigningAlgorithm, now: number, options: GenerateKeyOptions = {}): Promise<SigningKey> {
  const params = alg === 'RS256' ? { extractable: true, modulusLength: 2048 } : alg === 'EdDSA' ? { extractable: true, crv: 'Ed25519' } : { extractable: true };
  const { privateKey, publicKey } = await generateKeyPair(alg, params);
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const decorate = (jwk: JWK): JWK => ({ ...jwk, kid, alg, use: 'sig' });
  return {
    tenantId,
    kid,
    alg,
    privateJwk: decorate(privateJwk),
    publicJwk: decorate(publicJwk),
    createdAt: now,
    generation: options.generation ?? 1,
    activatesAt: options.activatesAt ?? now,
    retiresAt: null,
  };
}

export interface SigningKeysOptions {
  /** How often (ms) a tenant's keys are re-read from the store; default 30 s. Keep it below the pre-publication delay. */
  refreshMs?: number;
}

/** Default interval between re-reads of a tenant's keys. */
export const DEFAULT_KEY_REFRESH_MS = 30_000;

interface TenantKeys {
  keys: SigningKey[];
  loadedAt: number;
  /** The tenant's `keysRevision` when the keys were read: a revocation since makes them stale at once. */
  revision: number;
  /** Imported private keys by kid, carried across re-reads. */
  imported: Map<string, Promise<CryptoKey>>;
}

/** Finds, or creates and stores, each tenant's signing keys, and keeps them in memory for a short while. */
export class SigningKeys {
  readonly #store: KeyStore;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  readonly #tenants = new Map<string, TenantKeys>();
  readonly #loading = new Map<string, Promise<TenantKeys>>();

  constructor(store: KeyStore, clock: Clock, options: SigningKeysOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#refreshMs = options.refreshMs ?? DEFAULT_KEY_REFRESH_MS;
  }

  /** The key that signs `tenant`'s tokens now; creates the tenant's first key when it has none. */
  async activeKey(tenant: Tenant): Promise<ActiveKey> {
    let entry = await this.#current(tenant);
    let stored = activeSigningKey(entry.keys, tenant.signingAlg, this.#clock());
    if (stored === undefined) {
      const now = this.#clock();
      // Processes starting together race for the same generation; the store lets one win.
      await this.#store.insertKeyGeneration(
        await generateSigningKey(tenant.id, tenant.signingAlg, now, { generation: nextGeneration(entry.keys, tenant.signingAlg) }),
      );
      entry = await this.#reload(tenant);
      stored = activeSigningKey(entry.keys, tenant.signingAlg, this.#clock());
      if (stored === undefined) throw new Error(`tenant ${tenant.id} has no usable ${tenant.signingAlg} signing key`);
    }
    return { kid: publishedKeyId(stored, tenant.jwt.keyIds), alg: stored.alg, key: await this.#import(entry, stored) };
  }

  /**
   * Public keys for the tenant's JWKS: every key created and not yet retired,
   * pending ones included, each under the `kid` the tenant's tokens name it by.
   */
  async publicKeys(tenant: Readonly<Tenant>): Promise<JWK[]> {
    const now = this.#clock();
    return (await this.#current(tenant)).keys
      .filter((k) => isPublished(k, now))
      .map((k) => (tenant.jwt.keyIds === 'thumbprint' ? k.publicJwk : { ...k.publicJwk, kid: publishedKeyId(k, tenant.jwt.keyIds) }));
  }

  /**
   * When the newest key that signs now started signing, per tenant whose keys
   * this process holds (for the signing-key age metric; reads no store).
   */
  signingSince(): { tenantId: string; activatedAt: number }[] {
    const now = this.#clock();
    const out: { tenantId: string; activatedAt: number }[] = [];
    for (const [tenantId, entry] of this.#tenants) {
      let latest: number | undefined;
      for (const key of entry.keys) {
        if (key.activatesAt <= now && isPublished(key, now) && (latest === undefined || key.activatesAt > latest)) latest = key.activatesAt;
      }
      if (latest !== undefined) out.push({ tenantId, activatedAt: latest });
    }
    return out;
  }

  /** Drops what this process remembers of a tenant's keys, so the next use re-reads them (after a local rotation). */
  forget(tenantId: string): void {
    const entry = this.#tenants.get(tenantId);
    if (entry) entry.loadedAt = -Infinity;
  }

  async #current(tenant: Readonly<Tenant>): Promise<TenantKeys> {
    const entry = this.#tenants.get(tenant.id);
    // The tenant comes from the store's coherent read on this very request: a revocation by any process shows here first.
    if (entry !== undefined && entry.revision === (tenant.keysRevision ?? 0) && this.#clock() - entry.loadedAt < this.#refreshMs) return entry;
    try {
      return await this.#reload(tenant);
    } catch (error) {
      // A database hiccup must not stop signing with keys already known; the next call retries.
      if (entry !== undefined) return entry;
      throw error;
    }
  }

  /** Re-reads a tenant's keys; concurrent callers share one read. */
  #reload(tenant: Readonly<Tenant>): Promise<TenantKeys> {
    const tenantId = tenant.id;
    let pending = this.#loading.get(tenantId);
    if (pending === undefined) {
      pending = (async () => {
        const keys = await this.#store.listKeys(tenantId);
        const previous = this.#tenants.get(tenantId)?.imported;
        const imported = new Map<string, Promise<CryptoKey>>();
        for (const key of keys) {
          const known = previous?.get(key.kid);
          if (known !== undefined) imported.set(key.kid, known);
        }
        const entry: TenantKeys = { keys, loadedAt: this.#clock(), revision: tenant.keysRevision ?? 0, imported };
        this.#tenants.set(tenantId, entry);
        return entry;
      })();
      this.#loading.set(tenantId, pending);
      const done = () => this.#loading.delete(tenantId);
      pending.then(done, done);
    }
    return pending;
  }

  #import(entry: TenantKeys, stored: SigningKey): Promise<CryptoKey> {
    let key = entry.imported.get(stored.kid);
    if (key === undefined) {
      if (stored.privateJwk === null) return Promise.reject(new Error(`signing key ${stored.kid} of tenant ${stored.tenantId} has no private half`));
      key = importJWK(stored.privateJwk, stored.alg) as Promise<CryptoKey>;
      // A failed import must not be remembered.
      key.catch(() => entry.imported.delete(stored.kid));
      entry.imported.set(stored.kid, key);
    }
    return key;
  }
}
