/** Storage of tenants' signing keys and their rotation schedule. */
import type { SigningAlgorithm, SigningKey } from '../model.ts';

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
  /** Deletes the tenant's keys whose `retiresAt` is at or before `at` (their private halves go with them); returns how many. */
  deleteRetiredKeys(tenantId: string, at: number): Promise<number>;
}
