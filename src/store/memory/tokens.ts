import type { TokenRecord } from '../../core/model.ts';
import type { RefreshTokenUse, TokenStore } from '../../core/ports/tokens.ts';
import { copy, frozenCopy } from './copy.ts';

export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();
  /** When each used refresh token was used (the SQL adapters' `used_at` column). */
  readonly #usedAt = new Map<string, number>();

  async saveToken(record: TokenRecord): Promise<void> {
    this.#tokens.set(record.hash, copy(record));
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const record = this.#tokens.get(hash);
    return record && frozenCopy((record));
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    const record = this.#tokens.get(hash);
    if (record === undefined || record.revokedAt !== null) return false;
    record.revokedAt = at;
    return true;
  }

  // Synchronous between the awaits of its callers, so each call is one atomic step.
  async revokeFamily(familyId: string, at: number, replacement?: TokenRecord): Promise<number> {
    const revoked = this.#revokeWhere((r) => r.familyId === familyId, at);
    if (revoked > 0 && replacement !== undefined) this.#tokens.set(replacement.hash, copy(replacement));
    return revoked;
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number> {
    return this.#revokeWhere(
      (r) =>
        r.tenantId === tenantId &&
        r.clientId === clientId &&
        r.subject === subject &&
        (exceptFamilyId === undefined || r.familyId !== exceptFamilyId) &&
        // A client's own client-credentials tokens are no login (see the SQL stores' tokens_by_subject).
        (r.username !== null || r.subject !== r.clientId),
      at,
    );
  }

  async revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number> {
    return this.#revokeWhere((r) => r.tenantId === tenantId && r.subject === userId && r.username !== null, at);
  }

  async consumeRefreshToken(hash: string, at: number, replacement?: TokenRecord): Promise<RefreshTokenUse> {
    const record = this.#tokens.get(hash);
    if (record === undefined || record.kind !== 'refresh') return { outcome: 'unknown' };
    if (record.revokedAt === null) {
      record.revokedAt = at;
      this.#usedAt.set(hash, at);
      if (replacement !== undefined) this.#tokens.set(replacement.hash, copy(replacement));
      return { outcome: 'consumed', record: frozenCopy(record) };
    }
    const usedAt = this.#usedAt.get(hash);
    return usedAt === undefined ? { outcome: 'revoked', record: frozenCopy(record) } : { outcome: 'reused', record: frozenCopy(record), usedAt };
  }

  async refreshTokenLive(hash: string, _familyId: string): Promise<boolean> {
    const record = this.#tokens.get(hash);
    return record !== undefined && record.revokedAt === null;
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
