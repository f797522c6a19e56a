/**
 * Finds what a presented token grants, for the parts of Tessera that accept
 * tokens (introspection, the resource-side verifier). A token counts only as
 * the kind it was issued as: a refresh token is never an access token, nor
 * the other way round.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 invalid_token
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2 "active"
 */
import type { TokenKind, TokenRecord } from '../model.ts';
import type { TokenStore } from '../ports/tokens.ts';
import { tokenStorageKey } from './storage-key.ts';

/**
 * The stored record of `presented` when it is a live token of `kind` at
 * `now` (known, not revoked, not expired); undefined otherwise. JWT access
 * tokens of user logins are recorded too (see jwt.ts), so this also tells
 * whether such a JWT was revoked; verify its signature first.
 */
export async function findLiveToken(tokens: TokenStore, presented: string, kind: TokenKind, now: number): Promise<TokenRecord | undefined> {
  const record = await tokens.findToken(tokenStorageKey(presented));
  if (record === undefined || record.kind !== kind || record.revokedAt !== null || record.expiresAt <= now) return undefined;
  return record;
}
