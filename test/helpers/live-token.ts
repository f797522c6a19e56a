/**
 * Tests' look at the store: whether a presented token is live as the kind it
 * was issued as (a refresh token is never an access token).
 */
import type { TokenKind, TokenRecord } from '../../src/core/model.ts';
import type { TokenReader } from '../../src/core/ports/tokens.ts';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';

/**
 * The stored record of `presented` when it is a live token of `kind` at
 * `now` (known, not revoked, not expired); undefined otherwise. JWT access
 * tokens of user logins are recorded too (see jwt.ts), so this also tells
 * whether such a JWT was revoked; verify its signature first.
 */
export async function findLiveToken(tokens: TokenReader, presented: string, kind: TokenKind, now: number): Promise<Readonly<TokenRecord> | undefined> {
  const record = await tokens.findToken(tokenStorageKey(presented));
  if (record === undefined || record.kind !== kind || record.revokedAt !== null || record.expiresAt <= now) return undefined;
  return record;
}
