/**
 * The client credentials grant: the client acts on its own behalf.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
import { grantScope, parseScope } from '../scope.ts';
import type { GrantHandler } from './grant-handler.ts';

export function createClientCredentialsGrant(): GrantHandler {
  return {
    grantType: 'client_credentials',
    confidentialClientsOnly: true,
    async handle({ request, client }) {
      // §4.4.2: "scope OPTIONAL. The scope of the access request as described by Section 3.3."
      const requestedScope = parseScope(request.params.scope);
      return {
        subject: client.id,
        requestedScope,
        scope: grantScope(requestedScope, client.scopes),
        accounts: client.accounts,
      };
    },
  };
}
