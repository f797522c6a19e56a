import type { JWK } from 'jose';
import type { AuditEntry, SigningAlgorithm, SigningKey } from '../../core/model.ts';
import type { MemoryAuditStore } from './audit.ts';
import type { KeyStore } from '../../core/ports/keys.ts';
import { copy, frozenCopy } from './copy.ts';

export class MemoryKeyStore implements KeyStore {
  #keys: SigningKey[] = [];
  readonly #raiseRevision: (tenantId: string) => void;
  readonly #audit: MemoryAuditStore;

  /**
   * @param audit where rotations and revocations append their entries, in the same synchronous step
   * @param raiseRevision raises the tenant's `keysRevision` (the memory tenant store's)
   */
  constructor(audit: MemoryAuditStore, raiseRevision: (tenantId: string) => void = () => {}) {
    this.#audit = audit;
    this.#raiseRevision = raiseRevision;
  }

  async revokeKey(tenantId: string, kid: string, audit: AuditEntry): Promise<boolean> {
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((k) => !(k.tenantId === tenantId && k.kid === kid));
    if (this.#keys.length === before) return false;
    this.#raiseRevision(tenantId);
    this.#audit.append(audit);
    return true;
  }

  async rotateKey(key: SigningKey, retire: readonly { alg: SigningAlgorithm; belowGeneration: number }[], retiresAt: number, audit: AuditEntry): Promise<SigningKey> {
    const existing = this.#keys.find((k) => k.tenantId === key.tenantId && k.alg === key.alg && k.generation === key.generation);
    if (existing) return frozenCopy(existing);
    this.#keys.push(copy(key));
    for (const { alg, belowGeneration } of retire) this.#retire(key.tenantId, alg, belowGeneration, retiresAt);
    this.#audit.append(audit);
    return frozenCopy(key);
  }

  async replacePrivateKey(tenantId: string, kid: string, privateJwk: JWK): Promise<boolean> {
    const key = this.#keys.find((k) => k.tenantId === tenantId && k.kid === kid && k.privateJwk !== null);
    if (key === undefined) return false;
    key.privateJwk = copy(privateJwk);
    return true;
  }

  async deletePrivateKeys(tenantId: string, kids: readonly string[]): Promise<number> {
    let count = 0;
    for (const k of this.#keys) {
      if (k.tenantId === tenantId && kids.includes(k.kid) && k.privateJwk !== null) {
        k.privateJwk = null;
        count++;
      }
    }
    return count;
  }

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return this.#keys
      .filter((k) => k.tenantId === tenantId)
      .sort((a, b) => a.createdAt - b.createdAt || a.generation - b.generation || (a.kid < b.kid ? -1 : 1))
      .map(frozenCopy);
  }

  async insertKeyGeneration(key: SigningKey): Promise<SigningKey> {
    const existing = this.#keys.find((k) => k.tenantId === key.tenantId && k.alg === key.alg && k.generation === key.generation);
    if (existing) return frozenCopy(existing);
    this.#keys.push(copy(key));
    return frozenCopy(key);
  }

  async retireKeys(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): Promise<number> {
    return this.#retire(tenantId, alg, belowGeneration, retiresAt);
  }

  #retire(tenantId: string, alg: SigningAlgorithm, belowGeneration: number, retiresAt: number): number {
    let count = 0;
    for (const k of this.#keys) {
      if (k.tenantId === tenantId && k.alg === alg && k.generation < belowGeneration && k.retiresAt === null) {
        k.retiresAt = retiresAt;
        count++;
      }
    }
    return count;
  }

  async deleteRetiredKeys(tenantId: string, at: number): Promise<number> {
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((k) => !(k.tenantId === tenantId && k.retiresAt !== null && k.retiresAt <= at));
    return before - this.#keys.length;
  }
}
