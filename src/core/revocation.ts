/**
 * Token revocation: a client tells Tessera it no longer needs a token.
 * Revoking a refresh token revokes its whole family (the access tokens it
 * produced); revoking an access token revokes that token alone.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
import type { Clock } from './clock.ts';
import { authenticateTokenRequest, type ClientRequest, type ClientRequestDeps } from './client-request.ts';
import { inspectToken, type InspectedToken, type TokenInspectionDeps } from './tokens/token-inspection.ts';
import type { TokenReader, TokenRevocation, TokenWriter } from './ports/tokens.ts';

export interface RevocationDeps extends ClientRequestDeps, TokenInspectionDeps {
  tokens: TokenReader & TokenWriter & TokenRevocation;
  clock: Clock;
}

export type RevocationEndpoint = (request: ClientRequest) => Promise<void>;

export function createRevocationEndpoint(deps: RevocationDeps): RevocationEndpoint {
  return async function revoke(request: ClientRequest): Promise<void> {
    const { tenant, client, token } = await authenticateTokenRequest(request, deps);
    const now = deps.clock();
    const inspected = await inspectToken(token, tenant, deps, now);
    // §2.2: "The authorization server responds with HTTP status code 200 if the token has been revoked
    // successfully or if the client submitted an invalid token." Unknown, expired and other tenants'
    // tokens are all "invalid" here, and indistinguishable.
    if (inspected === undefined || inspected.expiresAt <= now) return;
    // §2.1: the server "verifies whether the token was issued to the client making the revocation request".
    // Another client's token is left alone, and answered as an invalid token is (§2.2: 200): an error here
    // would tell a client that holds a stolen or guessed string that it is a live token of someone else.
    if (inspected.clientId !== client.id) {
      return;
    }
    if (inspected.kind === 'refresh' && inspected.familyId !== null) {
      // §2.1: "If the token passed to the request is a refresh token and the authorization server supports
      // the revocation of access tokens, then the authorization server SHOULD also invalidate all access
      // tokens based on the same authorization grant".
      await deps.tokens.revokeFamily(inspected.familyId, now);
    } else if (inspected.format === 'jwt') {
      if (inspected.revokedAt === null) await storeRevocationMarker(deps.tokens, inspected, now);
    } else {
      await deps.tokens.revokeToken(inspected.hash, now);
    }
  };
}

/** A JWT cannot be changed; its revocation is a record under its hash, expiring with it. */
async function storeRevocationMarker(tokens: TokenWriter & TokenReader, jwt: InspectedToken, now: number): Promise<void> {
  const { format: _format, audience: _audience, jwtId: _jwtId, ...record } = jwt;
  try {
    await tokens.saveToken({ ...record, revokedAt: now });
  } catch (error) {
    // A concurrent revocation of the same token stored its marker first.
    if ((await tokens.findToken(jwt.hash))?.revokedAt != null) return;
    throw error;
  }
}
