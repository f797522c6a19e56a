/** Storage of tenants' signing keys and their rotation schedule. */
import type { JWK } from 'jose';
import type { AuditEntry, SigningAlgorithm, SigningKey } from '../model.ts';

export interface KeyStore {
  /** A tenant's keys (every algorithm, retired ones until deleted), oldest first. */
  listKeys(tenantId: string): Promise<SigningKey[]>;
  /**
   * Inserts `key` unless its tenant already has a key of `key.alg` with
   * `key.generation`, atomically: processes that generate a first key, or
   * operators that rotate, at the same moment agree on one key per
   * generation. Returns the key stored for that generation afterwards (the
   * given one or the one that won).
   */
  insertKeyGeneration(key: SigningKey): Promise<SigningKey>;
  /**
   * Sets `retiresAt` on the tenant's keys of `alg` older than `belowGeneration`
   * that have none yet (a retirement once scheduled is kept); returns how many.
   */
  retireKeys(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): Promise<number>;
  /**
   * An operator's rotation, in one transaction: inserts `key` as
   * {@link insertKeyGeneration} does and, only when it was inserted (no other
   * key of its generation won), sets `retiresAt` on the tenant's keys of each
   * of `retire` as {@link retireKeys} does and appends `audit` to the audit
   * chain. Returns the key stored for the generation: when it is not `key`,
   * nothing was changed and nothing appended.
   */
  rotateKey(
    key: SigningKey,
    retire: readonly { alg: SigningAlgorithm; belowGeneration: number }[],
    retiresAt: number,
    audit: AuditEntry,
  ): Promise<SigningKey>;
  /**
   * Deletes one key, both halves, raises the tenant's `keysRevision` and
   * appends `audit` to the audit chain, in one transaction (so every process
   * drops the key from its JWKS and stops accepting its tokens at its next
   * request); false, with nothing appended, when the tenant has no such key.
   */
  revokeKey(tenantId: string, kid: string, audit: AuditEntry): Promise<boolean>;
  /** Replaces the private half of the tenant's key `kid` (sealing, rewrapping), unless it was deleted meanwhile; false when nothing was replaced. */
  replacePrivateKey(tenantId: string, kid: string, privateJwk: JWK): Promise<boolean>;
  /** Deletes the private halves of the tenant's keys `kids` (they keep verifying); returns how many were deleted. */
  deletePrivateKeys(tenantId: string, kids: readonly string[]): Promise<number>;
  /** Deletes the tenant's keys whose `retiresAt` is at or before `at` (their private halves go with them); returns how many. */
  deleteRetiredKeys(tenantId: string, at: number): Promise<number>;
}
