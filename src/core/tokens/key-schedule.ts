/**
 * Which of a tenant's keys signs, which verify and which are gone, derived
 * from each key's stored instants and the clock alone. Every process that
 * reads the same keys at the same time reaches the same answer, so servers
 * sharing a database switch keys together without talking to each other.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 JWK Set
 */
import type { SigningAlgorithm, SigningKey } from '../model.ts';

/** Default delay between publishing a new key and signing with it: longer than any sane JWKS cache. */
export const DEFAULT_KEY_PRE_PUBLICATION_SECONDS = 3600;
export const MAX_KEY_PRE_PUBLICATION_SECONDS = 30 * 24 * 3600;

/** Where a key stands in its life: published ahead, signing, verifying what it signed, or gone. */
export type KeyState = 'pending' | 'active' | 'verifying' | 'retired';

/** Whether the key belongs in the JWKS at `now`: from its creation until its retirement. */
export function isPublished(key: SigningKey, now: number): boolean {
  return key.retiresAt === null || key.retiresAt > now;
}

/**
 * The key that signs `alg` tokens at `now`: the newest generation whose
 * activation has come. When none has (only a pending first key exists), the
 * earliest pending key signs: no earlier key exists whose verifiers it could
 * surprise.
 */
export function activeSigningKey(keys: readonly SigningKey[], alg: SigningAlgorithm, now: number): SigningKey | undefined {
  let active: SigningKey | undefined;
  let earliestPending: SigningKey | undefined;
  for (const key of keys) {
    // A key whose private half was deleted only verifies: it can never sign again.
    if (key.alg !== alg || !isPublished(key, now) || key.privateJwk === null) continue;
    if (key.activatesAt <= now) {
      if (active === undefined || key.generation > active.generation) active = key;
    } else if (earliestPending === undefined || key.activatesAt < earliestPending.activatesAt) {
      earliestPending = key;
    }
  }
  return active ?? earliestPending;
}

/** The generation a new key of `alg` takes. */
export function nextGeneration(keys: readonly SigningKey[], alg: SigningAlgorithm): number {
  return keys.reduce((max, k) => (k.alg === alg && k.generation > max ? k.generation : max), 0) + 1;
}

export function keyState(key: SigningKey, keys: readonly SigningKey[], now: number): KeyState {
  if (!isPublished(key, now)) return 'retired';
  if (activeSigningKey(keys, key.alg, now)?.kid === key.kid) return 'active';
  return key.activatesAt > now ? 'pending' : 'verifying';
}
