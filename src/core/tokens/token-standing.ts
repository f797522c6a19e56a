/**
 * Whether an issued access token still stands, and for what: a token
 * outlives neither its client nor its user. It is inactive once its client
 * is deleted or disabled, or, for a user's token, once the user is deleted
 * or disabled; and it never grants more than its client may have now, so a
 * demoted client's earlier tokens lose the scopes taken from it.
 * Introspection and the admin API's token reader both ask here.
 */
import type { Tenant } from '../model.ts';
import type { ClientReader } from '../ports/clients.ts';
import type { UserReader } from '../ports/users.ts';
import type { InspectedToken } from './token-inspection.ts';

export interface TokenStandingDeps {
  clients: ClientReader;
  users: UserReader;
}

/** The token with its scope narrowed to its client's current scopes, or undefined when its client or user no longer stands. */
export async function tokenStanding(token: InspectedToken, tenant: Readonly<Tenant>, deps: TokenStandingDeps): Promise<InspectedToken | undefined> {
  const client = await deps.clients.getClient(tenant.id, token.clientId);
  if (client === undefined || !client.enabled) return undefined;
  // A user's token names its user (username); a client's own token has the client as subject and no user.
  if (token.username !== null) {
    const user = await deps.users.getUser(tenant.id, token.subject);
    if (user === undefined || !user.enabled) return undefined;
  }
  const allowed = client.scopes;
  if (token.scope.every((s) => allowed.includes(s))) return token;
  return { ...token, scope: token.scope.filter((s) => allowed.includes(s)) };
}
