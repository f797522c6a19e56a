/**
 * The resource owner password credentials grant: a first-party app sends the
 * user's username and password (seed 003).
 *
 * Each login starts a new token family; the client gets a refresh token in it
 * when it is allowed the `refresh_token` grant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 */
import { randomUUID } from 'node:crypto';
import { OAuthError } from '../errors.ts';
import { grantScope, parseScope } from '../scope.ts';
import { authenticateUser, type UserAuthenticationDeps } from '../users/authenticate-user.ts';
import type { GrantHandler } from './grant-handler.ts';

export function createPasswordGrant(deps: UserAuthenticationDeps): GrantHandler {
  return {
    grantType: 'password',
    async handle({ request, tenant, client, now }) {
      // §4.3.2: "username REQUIRED. The resource owner username. password REQUIRED. The resource owner password."
      // An empty value counts as missing (§3.2: "Parameters sent without a value MUST be treated as if they were omitted").
      const { username, password } = request.params;
      if (username === undefined) throw new OAuthError('invalid_request', 'Missing required parameter: username');
      if (password === undefined) throw new OAuthError('invalid_request', 'Missing required parameter: password');
      // Scope is checked before the password: a malformed request costs no argon2 work.
      const requestedScope = parseScope(request.params.scope);
      const scope = grantScope(requestedScope, client.scopes);

      // §4.3.2: "the authorization server MUST ... validate the resource owner password credentials using its
      // existing password validation algorithm", and §10.10 asks to protect it against guessing (lockout).
      const user = await authenticateUser({ tenant, username, password, remoteAddress: request.remoteAddress, now, abandoned: request.abandoned, report: request.report }, deps);
      return {
        subject: user.id,
        requestedScope,
        scope,
        accounts: user.accounts,
        user: { id: user.id, username: user.username, role: user.role, attributes: user.attributes },
        familyId: randomUUID(),
        // §4.3.3: "If the access token request is valid and authorized, the authorization server issues an
        // access token and optional refresh token" — optional, so only to clients allowed to refresh.
        refreshToken: client.grantTypes.includes('refresh_token')
          ? { scope, expiresAt: now + tenant.loginPolicy.refreshTokenLifetime * 1000 }
          : undefined,
        newLogin: true,
      };
    },
  };
}
