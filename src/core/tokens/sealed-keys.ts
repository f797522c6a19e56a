/**
 * Private signing keys at rest: sealed under the key-encryption key before
 * any store sees them, unsealed when read, so the database (and its backups,
 * WAL and replicas) holds no usable private key. The tenant, `kid` and `alg`
 * are the additional authenticated data: a sealed half copied onto another
 * key's row does not unseal.
 *
 * A sealed half is stored where the JWK was, as an object of its own kind
 * (`kty: "tessera-sealed"`), never with a `d`.
 */
import type { JWK } from 'jose';
import type { SigningKey, Tenant } from '../model.ts';
import { KeyEncryptionError, type KeyEncryption, type SealedSecret } from '../ports/key-encryption.ts';
import type { KeyStore } from '../ports/keys.ts';

const SEALED_KTY = 'tessera-sealed';

/** Whether a stored private half is sealed (as opposed to a plaintext JWK written before sealing existed). */
export function isSealed(jwk: JWK): boolean {
  return jwk.kty === SEALED_KTY;
}

function aad(key: Pick<SigningKey, 'tenantId' | 'kid' | 'alg'>): Uint8Array {
  return new TextEncoder().encode(`tessera signing key\u0000${key.tenantId}\u0000${key.kid}\u0000${key.alg}`);
}

async function sealJwk(key: Pick<SigningKey, 'tenantId' | 'kid' | 'alg'>, jwk: JWK, kek: KeyEncryption): Promise<JWK> {
  const sealed = await kek.encrypt(new TextEncoder().encode(JSON.stringify(jwk)), aad(key));
  return { ...sealed, kty: SEALED_KTY };
}

async function unsealJwk(key: SigningKey, jwk: JWK, kek: KeyEncryption): Promise<JWK> {
  const { kty: _kty, ...sealed } = jwk as JWK & SealedSecret;
  if (sealed.kek !== kek.id) {
    throw new KeyEncryptionError(
      'wrong-key',
      `signing key ${key.kid} of tenant '${key.tenantId}' is sealed under key-encryption key ${sealed.kek}, but the configured key is ${kek.id}: ` +
        'configure the key it was sealed with (keyEncryptionKey / TESSERA_KEY_ENCRYPTION_KEY or keyEncryptionKeyFile), or rewrap with it (tessera keys rewrap)',
    );
  }
  return JSON.parse(new TextDecoder().decode(await kek.decrypt(sealed as SealedSecret, aad(key)))) as JWK;
}

async function unsealKey(key: SigningKey, kek: KeyEncryption): Promise<SigningKey> {
  if (key.privateJwk === null || !isSealed(key.privateJwk)) return key;
  return Object.freeze({ ...key, privateJwk: Object.freeze(await unsealJwk(key, key.privateJwk, kek)) });
}

/**
 * The key store the core uses: `inner` (the database's) with private halves
 * sealed on the way in and unsealed on the way out.
 */
export function sealingKeyStore(inner: KeyStore, kek: KeyEncryption): KeyStore {
  return {
    listKeys: async (tenantId) => Promise.all((await inner.listKeys(tenantId)).map((k) => unsealKey(k, kek))),
    insertKeyGeneration: async (key) =>
      unsealKey(await inner.insertKeyGeneration(key.privateJwk === null ? key : { ...key, privateJwk: await sealJwk(key, key.privateJwk, kek) }), kek),
    rotateKey: async (key, retire, retiresAt, audit) =>
      unsealKey(await inner.rotateKey(key.privateJwk === null ? key : { ...key, privateJwk: await sealJwk(key, key.privateJwk, kek) }, retire, retiresAt, audit), kek),
    retireKeys: (...args) => inner.retireKeys(...args),
    revokeKey: (...args) => inner.revokeKey(...args),
    deletePrivateKeys: (...args) => inner.deletePrivateKeys(...args),
    deleteRetiredKeys: (...args) => inner.deleteRetiredKeys(...args),
    replacePrivateKey: async (tenantId, kid, jwk) => {
      const key = (await inner.listKeys(tenantId)).find((k) => k.kid === kid);
      return key !== undefined && inner.replacePrivateKey(tenantId, kid, await sealJwk(key, jwk, kek));
    },
  };
}

export interface SealingReport {
  /** Private halves found in plaintext and sealed now. */
  sealed: number;
  /** Private halves already sealed under the configured key. */
  alreadySealed: number;
}

/**
 * Run at every start before the keys are used: seals private halves still
 * stored in plaintext (written before sealing existed) and proves the
 * configured key opens the others.
 *
 * @throws KeyEncryptionError naming the key a private half is sealed under, when it is not the configured one.
 */
export async function sealStoredKeys(store: { keys: KeyStore; tenants: { listTenants(): Promise<Tenant[]> } }, kek: KeyEncryption): Promise<SealingReport> {
  const report: SealingReport = { sealed: 0, alreadySealed: 0 };
  for (const tenant of await store.tenants.listTenants()) {
    for (const key of await store.keys.listKeys(tenant.id)) {
      if (key.privateJwk === null) continue;
      if (isSealed(key.privateJwk)) {
        await unsealJwk(key, key.privateJwk, kek);
        report.alreadySealed++;
      } else if (await store.keys.replacePrivateKey(tenant.id, key.kid, await sealJwk(key, key.privateJwk, kek))) {
        report.sealed++;
      }
    }
  }
  return report;
}

export interface RewrapReport {
  /** Private halves now sealed under the new key. */
  rewrapped: number;
  /** Already under the new key (a rewrap interrupted and run again). */
  unchanged: number;
}

/**
 * Re-seals every private half under `to`: those under `from` (or still in
 * plaintext) are unsealed and sealed again; those already under `to` are
 * left, so an interrupted rewrap completes when run again.
 */
export async function rewrapStoredKeys(
  store: { keys: KeyStore; tenants: { listTenants(): Promise<Tenant[]> } },
  from: KeyEncryption,
  to: KeyEncryption,
): Promise<RewrapReport> {
  const report: RewrapReport = { rewrapped: 0, unchanged: 0 };
  for (const tenant of await store.tenants.listTenants()) {
    for (const key of await store.keys.listKeys(tenant.id)) {
      if (key.privateJwk === null) continue;
      if (isSealed(key.privateJwk) && (key.privateJwk as JWK & SealedSecret).kek === to.id) {
        report.unchanged++;
        continue;
      }
      const plain = isSealed(key.privateJwk) ? await unsealJwk(key, key.privateJwk, from) : key.privateJwk;
      if (await store.keys.replacePrivateKey(tenant.id, key.kid, await sealJwk(key, plain, to))) report.rewrapped++;
    }
  }
  return report;
}
