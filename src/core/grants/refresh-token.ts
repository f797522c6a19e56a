/**
 * The refresh token grant, with rotation and reuse detection.
 *
 * Every use consumes the refresh token (atomically, in the store) and issues
 * a new one in the same family, with the same absolute expiry. Presenting a
 * token that was already used means two parties hold it — the client and
 * someone who stole it — and the server cannot tell which is which, so the
 * whole family (every access and refresh token descended from that login) is
 * revoked. The one exception is a repeat within the tenant's short reuse
 * grace period, which is what a client retrying after a lost response looks
 * like: it gets fresh tokens, and the ones it never received are revoked.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2 refresh token rotation
 */
import { OAuthError } from '../errors.ts';
import type { TokenRecord } from '../model.ts';
import { parseScope } from '../scope.ts';
import type { RefreshTokenRotation, TokenReader, TokenRevocation } from '../ports/tokens.ts';
import type { UserReader } from '../ports/users.ts';
import { REFRESH_TOKEN_PREFIX } from '../tokens/refresh.ts';
import { timeOrderedToken, tokenStorageKey } from '../tokens/storage-key.ts';
import type { GrantDecision, GrantHandler } from './grant-handler.ts';

export interface RefreshTokenGrantDeps {
  tokens: TokenReader & RefreshTokenRotation & TokenRevocation;
  users: UserReader;
}

/** The one public answer to every unusable refresh token; the reason goes to the log. */
const INVALID_REFRESH_TOKEN = 'The refresh token is invalid, expired or revoked';

export function createRefreshTokenGrant(deps: RefreshTokenGrantDeps): GrantHandler {
  return {
    grantType: 'refresh_token',
    async handle({ request, tenant, client, now }): Promise<GrantDecision> {
      // §6: "refresh_token REQUIRED. The refresh token issued to the client."
      const presented = request.params.refresh_token;
      if (presented === undefined) throw new OAuthError('invalid_request', 'Missing required parameter: refresh_token');
      const requestedScope = parseScope(request.params.scope);

      const hash = tokenStorageKey(presented);
      const record = await deps.tokens.findToken(hash);
      // An access token presented here is refused like any unknown string.
      if (record === undefined || record.kind !== 'refresh' || record.tenantId !== tenant.id) throw refused('unknown refresh token');
      // §6: "ensure that the refresh token was issued to the authenticated client".
      if (record.clientId !== client.id) throw refused(`refresh token of client ${record.clientId} presented by client ${client.id}`);
      if (record.expiresAt <= now) throw refused(`refresh token of family ${record.familyId} expired`);

      // What this refresh would grant is decided before the token is touched. A live token refused for its
      // scope keeps the client its session; a dead one goes to reuse handling whatever was asked, so an odd
      // scope parameter cannot dodge reuse detection.
      let checked: GrantDecision | undefined;
      let failure: unknown;
      try {
        checked = await decision(record, requestedScope, client.scopes, tenant.id, now, deps);
      } catch (error) {
        if (record.revokedAt === null) throw error;
        failure = error;
      }
      // The next refresh token is made now and stored in the same step that consumes this one (or, for a
      // retry, that revokes what the first use issued): one step per family, so parallel requests presenting
      // the same token leave exactly one live refresh token, never two independent chains.
      const next = checked === undefined ? undefined : nextRefreshToken(record, checked, now);
      const use = await deps.tokens.consumeRefreshToken(hash, now, next?.record);
      if (use.outcome === 'unknown') throw refused('unknown refresh token');
      if (use.outcome !== 'consumed') await settleReuse(use, record, tenant.loginPolicy.refreshTokenReuseGrace, now, deps.tokens, next?.record);
      if (checked === undefined || next === undefined) throw failure;
      const familyId = record.familyId;
      return {
        ...checked,
        refreshToken: { ...checked.refreshToken!, issued: next.token },
        confirm: familyId === null ? undefined : (accessToken) => confirmFamily(familyId, next.record.hash, accessToken, now, deps.tokens),
      };
    },
  };
}

/** The refresh token that follows `record` in its family: the grant's original scope, the family's expiry. */
function nextRefreshToken(record: TokenRecord, decided: GrantDecision, now: number): { token: string; record: TokenRecord } {
  const grant = decided.refreshToken!;
  const token = timeOrderedToken(REFRESH_TOKEN_PREFIX, now);
  return {
    token,
    record: {
      hash: tokenStorageKey(token), kind: 'refresh', tenantId: record.tenantId, clientId: record.clientId, subject: decided.subject,
      username: decided.user?.username ?? null, scope: grant.scope, accounts: decided.accounts, familyId: record.familyId,
      issuedAt: now, expiresAt: grant.expiresAt, revokedAt: null,
    },
  };
}

async function decision(
  record: TokenRecord,
  requestedScope: string[] | undefined,
  clientScopes: readonly string[],
  tenantId: string,
  now: number,
  deps: RefreshTokenGrantDeps,
): Promise<GrantDecision> {
  const user = await deps.users.getUser(tenantId, record.subject);
  if (user === undefined || !user.enabled) {
    await revokeFamily(record, now, deps.tokens);
    throw refused(`user ${record.subject} ${user === undefined ? 'no longer exists' : 'is disabled'}`);
  }
  // §6: "The requested scope MUST NOT include any scope not originally granted by the resource owner,
  // and if omitted is treated as equal to the scope originally granted by the resource owner."
  // The client may also have lost scopes since the login; those are not handed out again.
  const original = record.scope.filter((s) => clientScopes.includes(s));
  const widened = (requestedScope ?? []).filter((s) => !original.includes(s));
  if (widened.length > 0) throw new OAuthError('invalid_scope', `The refresh token does not grant scope: ${widened.join(' ')}`);
  return {
    subject: user.id,
    requestedScope,
    scope: requestedScope ?? original,
    accounts: user.accounts,
    user: { id: user.id, username: user.username, role: user.role, attributes: user.attributes },
    familyId: record.familyId ?? undefined,
    // The new refresh token keeps the original grant (a narrowed request narrows only this access token)
    // and the original expiry: rotation never extends a login.
    refreshToken: { scope: original, expiresAt: record.expiresAt },
  };
}

/**
 * A used or revoked token was presented. Within the grace period after its
 * use, a retry proceeds if its family is still alive: what the first use
 * issued is revoked and `replacement` stored in its place, in one step; anything
 * else revokes the family and is refused.
 */
async function settleReuse(
  use: { outcome: 'reused'; usedAt: number } | { outcome: 'revoked' },
  record: TokenRecord,
  graceSeconds: number,
  now: number,
  tokens: TokenRevocation,
  replacement: TokenRecord | undefined,
): Promise<void> {
  // A grace of 0 means none: even a replay in the same millisecond is a replay.
  const retry = use.outcome === 'reused' && graceSeconds > 0 && now - use.usedAt <= graceSeconds * 1000 && replacement !== undefined && record.familyId !== null;
  const revoked = record.familyId === null ? 0 : await tokens.revokeFamily(record.familyId, now, retry ? replacement : undefined);
  if (retry) {
    // The tokens issued on first use were revoked just now: the retrying client never received them.
    // If nothing was left to revoke, the family was already dead (reuse detected, user logged out).
    if (revoked > 0) return;
    throw refused(`refresh token of family ${record.familyId} retried within the grace period, but the family is revoked`);
  }
  throw refused(
    use.outcome === 'reused'
      ? `REUSE of a refresh token used at ${new Date(use.usedAt).toISOString()}: family ${record.familyId} revoked (${revoked} tokens)`
      : `revoked refresh token presented: family ${record.familyId} revoked (${revoked} more tokens)`,
  );
}

/**
 * The refresh's last look at its family, once the new access token is
 * stored: a revocation of the family (the client's /revoke, reuse detection,
 * a disabled user) may have run between the consumption and that store, and
 * found no access token to revoke. The successor refresh token was stored
 * live in the step that consumed the presented token (for a retry, in the
 * step that revoked what the first use issued), so it stands for the family:
 * whatever revoked the family after that step revoked it too.
 *
 * Every interleaving with a revokeFamily R: R is serialised with that step,
 * so it ran either before it (then the presented token was revoked and the
 * step stored nothing: no tokens) or after. If R finishes before this look,
 * the look sees the successor revoked: this refresh revokes its access token
 * itself (the successor already is) and is refused. If R starts after the
 * look, the access token was committed before the look (the store's writes
 * settle only once committed, the end-of-turn batches included), so R's
 * statement sees it and revokes it. The store makes the look and R
 * one-after-the-other (`refreshTokenLive`): an uncached read under the
 * family's lock on PostgreSQL, SQLite's one writer at a time. A JWT of a
 * login is recorded under its hash like an opaque token, so the same
 * revocation reaches it and introspection reads it inactive. Only the
 * refresh grant pays for the look.
 */
async function confirmFamily(familyId: string, successorHash: string, accessToken: string, now: number, tokens: RefreshTokenRotation & TokenRevocation): Promise<void> {
  if (await tokens.refreshTokenLive(successorHash, familyId)) return;
  await tokens.revokeToken(tokenStorageKey(accessToken), now);
  throw refused(`family ${familyId} was revoked while this refresh issued its tokens; its access token is revoked too`);
}

async function revokeFamily(record: TokenRecord, now: number, tokens: TokenRevocation): Promise<number> {
  return record.familyId === null ? 0 : tokens.revokeFamily(record.familyId, now);
}

function refused(detail: string): OAuthError {
  return new OAuthError('invalid_grant', INVALID_REFRESH_TOKEN, { detail });
}
