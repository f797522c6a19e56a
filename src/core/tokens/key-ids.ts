/**
 * The `kid` a tenant's keys are published and sign under. A key is stored
 * under its RFC 7638 thumbprint, unique across every tenant; a tenant may
 * publish its keys as `k1`, `k2`… instead (seed 002's `kid: "k1"`), numbered
 * by the key's generation. The JWKS and every signed header use the same
 * name, so a verifier finds the key either way.
 *
 * Generations count per algorithm: after a change of algorithm, two keys of
 * one tenant can both be `k1`. They then differ in key type (`EC`, `RSA`,
 * `OKP`), which RFC 7517 §4.5 anticipates, and a verifier selects by `kid`
 * and algorithm (as jose does).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4.5
 * @see https://www.rfc-editor.org/rfc/rfc7638
 */
import type { KeyIdStyle, SigningKey } from '../model.ts';

export function publishedKeyId(key: Pick<SigningKey, 'kid' | 'generation'>, style: KeyIdStyle): string {
  return style === 'generation' ? `k${key.generation}` : key.kid;
}
