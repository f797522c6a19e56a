import type { SigningKey } from '../../core/model.ts';
import type { KeyStore } from '../types.ts';
import { copy } from './copy.ts';

export class MemoryKeyStore implements KeyStore {
  readonly #keys: SigningKey[] = [];

  async listKeys(tenantId: string): Promise<SigningKey[]> {
    return this.#keys.filter((k) => k.tenantId === tenantId).map(copy);
  }

  async insertKeyIfNone(key: SigningKey): Promise<SigningKey> {
    const existing = this.#keys.find((k) => k.tenantId === key.tenantId && k.alg === key.alg);
    if (existing) return copy(existing);
    this.#keys.push(copy(key));
    return copy(key);
  }
}
