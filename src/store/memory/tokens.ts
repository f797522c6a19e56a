import type { TokenRecord } from '../../core/model.ts';
import type { TokenStore } from '../types.ts';
import { copy } from './copy.ts';

export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();

  async saveToken(record: TokenRecord): Promise<void> {
    this.#tokens.set(record.hash, copy(record));
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const record = this.#tokens.get(hash);
    return record && copy(record);
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    const record = this.#tokens.get(hash);
    if (record === undefined || record.revokedAt !== null) return false;
    record.revokedAt = at;
    return true;
  }

  async revokeFamily(familyId: string, at: number): Promise<number> {
    return this.#revokeWhere((r) => r.familyId === familyId, at);
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number): Promise<number> {
    return this.#revokeWhere((r) => r.tenantId === tenantId && r.clientId === clientId && r.subject === subject, at);
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const expired = [...this.#tokens.values()]
      .filter((r) => r.expiresAt < before)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .slice(0, limit);
    for (const record of expired) this.#tokens.delete(record.hash);
    return expired.length;
  }

  #revokeWhere(match: (record: TokenRecord) => boolean, at: number): number {
    let count = 0;
    for (const record of this.#tokens.values()) {
      if (record.revokedAt === null && match(record)) {
        record.revokedAt = at;
        count++;
      }
    }
    return count;
  }
}
