/**
 * The last step of the token endpoint: mint what a grant decided — the access
 * token, a refresh token when the grant asks for one — and apply the client's
 * single-active-token policy to a fresh login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
import type { GrantDecision } from './grants/grant-handler.ts';
import type { Client, Tenant, TokenFormat } from './model.ts';
import { mapClaims, NO_MAPPED_CLAIMS } from './tokens/claim-mapping.ts';
import { issueRefreshToken } from './tokens/refresh.ts';
import type { TokenStrategy } from './tokens/token-strategy.ts';
import type { TokenRevocation, TokenWriter } from './ports/tokens.ts';

export interface TokenIssuingDeps {
  strategies: Readonly<Record<TokenFormat, TokenStrategy>>;
  tokens: TokenWriter & TokenRevocation;
}

export interface IssuedTokens {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  /** ms */
  expiresAt: number;
  refreshToken: string | undefined;
}

export async function issueTokens(
  deps: TokenIssuingDeps,
  { tenant, client, decision, now }: { tenant: Tenant; client: Client; decision: GrantDecision; now: number },
): Promise<IssuedTokens> {
  const lifetime = client.accessTokenLifetime ?? tenant.accessTokenLifetime;
  const expiresAt = now + lifetime * 1000;
  const familyId = decision.familyId ?? null;
  const username = decision.user?.username ?? null;
  const accessToken = await deps.strategies[client.tokenFormat].issue({
    tenant,
    clientId: client.id,
    subject: decision.subject,
    scope: decision.scope,
    accounts: decision.accounts,
    audience: client.audience ?? tenant.issuer,
    issuedAt: now,
    expiresAt,
    familyId,
    username,
    // Only JWTs carry claims; an opaque token is looked up, never read.
    mapped: client.tokenFormat === 'jwt' ? mapClaims(tenant, client, decision.user) : NO_MAPPED_CLAIMS,
  });
  const refreshToken =
    decision.refreshToken === undefined || familyId === null
      ? undefined
      : decision.refreshToken.issued ?? await issueRefreshToken(deps.tokens, {
          tenantId: tenant.id,
          clientId: client.id,
          subject: decision.subject,
          username,
          scope: decision.refreshToken.scope,
          accounts: decision.accounts,
          familyId,
          issuedAt: now,
          expiresAt: decision.refreshToken.expiresAt,
        });
  // Every strategy's issue (and the refresh token's save) settles only once the record is committed,
  // the end-of-turn batched writes included, so what confirm looks at comes after the tokens are stored.
  if (decision.confirm !== undefined) await decision.confirm(accessToken);
  if (decision.newLogin && client.singleActiveToken && familyId !== null) {
    // Seed 003: "the platform issues a new token to your application and discards any existing tokens."
    // Revoking after minting, sparing only this login's family, means two logins racing each other can
    // at worst revoke each other, never leave two sessions alive.
    await deps.tokens.revokeSubjectTokens(tenant.id, client.id, decision.subject, now, familyId);
  }
  return { accessToken, expiresIn: lifetime, expiresAt, refreshToken };
}
