import type { JWK } from 'jose';
import type { SigningAlgorithm, SigningKey } from '../../core/model.ts';
import type { KeyStore } from '../../core/ports/keys.ts';
import { copy, frozenCopy } from './copy.ts';

export class MemoryKeyStore implements KeyStore {
  #keys: SigningKey[] = [];
  readonly #raiseRevision: (tenantId: string) => void;

  /** @param raiseRevision raises the tenant's `keysRevision` (the memory tenant store's) */
  constructor(raiseRevision: (tenantId: string) => void = () => {}) {
    this.#raiseRevision = raiseRevision;
  }

  async revokeKey(tenantId: string, kid: string): Promise<boolean> {
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((k) => !(k.tenantId === tenantId && k.kid === kid));
    if (this.#keys.length === before) return false;
    this.#raiseRevision(tenantId);
    return true;
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
