/**
 * Per-tenant signing keys: generated on first need, stored, and imported into
 * `CryptoKey`s once per process.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 JWK
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK thumbprint (used as `kid`)
 */
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock.ts';
import type { SigningAlgorithm, SigningKey, Tenant } from '../model.ts';
import type { KeyStore } from '../../store/types.ts';

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
  /**
   * The same private key as a node:crypto `KeyObject`, for the token hot path:
   * signing through `node:crypto` skips WebCrypto's per-call algorithm
   * normalisation and promise job, which cost more than an ES256 signature.
   */
  keyObject: KeyObject;
}

/** Generates a fresh key pair for `alg` as stored JWKs; `kid` is the RFC 7638 thumbprint. */
export async function generateSigningKey(tenantId: string, alg: SigningAlgorithm, now: number): Promise<SigningKey> {
  const options = alg === 'RS256' ? { extractable: true, modulusLength: 2048 } : alg === 'EdDSA' ? { extractable: true, crv: 'Ed25519' } : { extractable: true };
  const { privateKey, publicKey } = await generateKeyPair(alg, options);
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const decorate = (jwk: JWK): JWK => ({ ...jwk, kid, alg, use: 'sig' });
  return { tenantId, kid, alg, privateJwk: decorate(privateJwk), publicJwk: decorate(publicJwk), createdAt: now };
}

/** Finds, or creates and stores, each tenant's signing key, and keeps the imported key in memory. */
export class SigningKeys {
  readonly #store: KeyStore;
  readonly #clock: Clock;
  readonly #active = new Map<string, Promise<ActiveKey>>();

  constructor(store: KeyStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The key that signs `tenant`'s tokens now. */
  activeKey(tenant: Tenant): Promise<ActiveKey> {
    const cacheKey = `${tenant.id}\u0000${tenant.signingAlg}`;
    let pending = this.#active.get(cacheKey);
    if (pending === undefined) {
      pending = this.#load(tenant);
      // A failed load (database down) must not be remembered.
      pending.catch(() => this.#active.delete(cacheKey));
      this.#active.set(cacheKey, pending);
    }
    return pending;
  }

  /** Public keys for the tenant's JWKS. */
  async publicKeys(tenantId: string): Promise<JWK[]> {
    return (await this.#store.listKeys(tenantId)).map((k) => k.publicJwk);
  }

  async #load(tenant: Tenant): Promise<ActiveKey> {
    const keys = await this.#store.listKeys(tenant.id);
    let stored = keys.find((k) => k.alg === tenant.signingAlg);
    if (stored === undefined) {
      stored = await this.#store.insertKeyIfNone(await generateSigningKey(tenant.id, tenant.signingAlg, this.#clock()));
    }
    const key = (await importJWK(stored.privateJwk, stored.alg)) as CryptoKey;
    const keyObject = createPrivateKey({ key: stored.privateJwk as JsonWebKey, format: 'jwk' });
    return { kid: stored.kid, alg: stored.alg, key, keyObject };
  }
}
