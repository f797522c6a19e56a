/**
 * Token introspection: a resource server (any confidential client of the
 * tenant, authenticated with its secret) asks whether a token is active and what it grants.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
import type { Clock } from './clock.ts';
import { basicChallenge } from './client-auth/authenticate-client.ts';
import { OAuthError } from './errors.ts';
import { authenticateTokenRequest, type ClientRequest, type ClientRequestDeps } from './client-request.ts';
import type { Tenant } from './model.ts';
import { inspectToken, type InspectedToken, type TokenInspectionDeps } from './tokens/token-inspection.ts';
import { tokenStanding, type TokenStandingDeps } from './tokens/token-standing.ts';

export type IntrospectionResult = { active: false } | { active: true; token: InspectedToken; tenant: Tenant };

export interface IntrospectionDeps extends ClientRequestDeps, TokenInspectionDeps, TokenStandingDeps {
  clock: Clock;
}

export type IntrospectionEndpoint = (request: ClientRequest) => Promise<IntrospectionResult>;

const INACTIVE: IntrospectionResult = { active: false };

export function createIntrospectionEndpoint(deps: IntrospectionDeps): IntrospectionEndpoint {
  return async function introspect(request: ClientRequest): Promise<IntrospectionResult> {
    const { tenant, client, token } = await authenticateTokenRequest(request, deps);
    // §2.1: "To prevent token scanning attacks, the endpoint MUST also require some form of authorization to
    // access this endpoint". A public client's client_id is no credential (RFC 6749 §2.1): anyone can send it,
    // so only a client that authenticated with a secret may introspect. Answered as §5.2's invalid_client.
    if (client.clientType !== 'confidential') {
      throw new OAuthError('invalid_client', 'Client authentication is required', {
        headers: basicChallenge(tenant), detail: `public client ${client.id} may not introspect`,
      });
    }
    // §2.1 token_type_hint: "The authorization server MAY ignore this parameter, particularly if it is able to
    // detect the token type automatically." Tessera's tokens say what they are, so it is ignored.
    const now = deps.clock();
    const inspected = await inspectToken(token, tenant, deps, now);
    // §2.2: "If the introspection call is properly authorized but the token is not active, does not exist on
    // this server, or the protected resource is not allowed to introspect this particular token, then the
    // authorization server MUST return an introspection response with the "active" field set to "false"."
    const live = inspected !== undefined && inspected.revokedAt === null && inspected.expiresAt > now;
    // A token outlives neither its client nor its user, and grants no more than its client may have now.
    const standing = live ? await tokenStanding(inspected, tenant, deps) : undefined;
    if (request.facts !== undefined) request.facts.active = standing !== undefined;
    return standing !== undefined ? { active: true, token: standing, tenant } : INACTIVE;
  };
}
