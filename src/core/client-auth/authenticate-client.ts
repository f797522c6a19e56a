/**
 * Client authentication for the token endpoint (and, later, introspection and
 * revocation).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1
 */
import { inSpan, tracingEnabled } from '../../runtime/tracing.ts';
import type { RunOptions } from '../crypto/work-limiter.ts';
import type { Clock } from '../clock.ts';
import { OAuthError } from '../errors.ts';
import type { Client, Tenant } from '../model.ts';
import type { ClientReader } from '../ports/clients.ts';
import type { ClientCredentials } from './credentials.ts';
import type { SecretVerifier } from './client-secrets.ts';

export interface ClientAuthenticationDeps {
  clients: ClientReader;
  secrets: SecretVerifier;
  clock: Clock;
}

/**
 * Authenticates a client inside `tenant`. The client is looked up only within
 * that tenant, so a client of tenant A can never act in tenant B.
 *
 * A public client (RFC 6749 §2.1) is identified by its `client_id` alone. A
 * request with no client credentials at all is attributed to the tenant's
 * `defaultPublicClient` when the operator set one (seed 003's app sends
 * none); otherwise it is refused. Which grants a public client may use is
 * the token endpoint's decision, not this function's.
 *
 * Client ids are public identifiers (RFC 6749 §2.2: "The client identifier is
 * not a secret"), so an unknown id is reported as such ("Invalid client_id",
 * as seed 002 documents). Whether a known client is disabled is told only
 * after its secret checked out, so only its holder learns it.
 */
export function authenticateClient(
  tenant: Tenant,
  credentials: ClientCredentials | undefined,
  deps: ClientAuthenticationDeps,
  /** `abandoned`: the caller has gone away, so a secret still waiting for argon2 is not hashed. */
  options: RunOptions = {},
): Promise<Client> {
  if (!tracingEnabled()) return authenticate(tenant, credentials, deps, options);
  const attributes = { 'tessera.tenant': tenant.id, 'tessera.client_auth.method': credentials?.method ?? 'none' };
  return inSpan('client authentication', attributes, async (span) => {
    const client = await authenticate(tenant, credentials, deps, options);
    span?.setAttribute('tessera.client_id', client.id);
    return client;
  });
}

async function authenticate(tenant: Tenant, credentials: ClientCredentials | undefined, deps: ClientAuthenticationDeps, options: RunOptions): Promise<Client> {
  const challenge = basicChallenge(tenant);
  const client =
    credentials === undefined
      ? await defaultPublicClient(tenant, deps, challenge)
      : await verifyCredentials(tenant, credentials, deps, challenge, options);
  if (!client.enabled) {
    throw new OAuthError('invalid_client', 'Client is disabled', { headers: challenge });
  }
  return client;
}

/** The `WWW-Authenticate` header every `invalid_client` carries (HTTP requires a challenge with a 401). */
export function basicChallenge(tenant: Tenant): Record<string, string> {
  return { 'WWW-Authenticate': `Basic realm="${tenant.id.replace(/["\\]/g, '')}", charset="UTF-8"` };
}

async function defaultPublicClient(tenant: Tenant, deps: ClientAuthenticationDeps, challenge: Record<string, string>): Promise<Client> {
  const id = tenant.loginPolicy.defaultPublicClient;
  const client = id === null ? undefined : await deps.clients.getClient(tenant.id, id);
  if (client === undefined || client.clientType !== 'public') {
    throw new OAuthError('invalid_client', 'Client authentication is required', {
      headers: challenge,
      detail: id === null ? undefined : `tenant ${tenant.id}'s defaultPublicClient '${id}' is missing or not public`,
    });
  }
  return client;
}

async function verifyCredentials(
  tenant: Tenant,
  credentials: ClientCredentials,
  deps: ClientAuthenticationDeps,
  challenge: Record<string, string>,
  options: RunOptions,
): Promise<Client> {
  const candidates = [credentials, ...(credentials.raw ? [{ ...credentials.raw, method: credentials.method }] : [])];
  let knownClient = false;
  for (const candidate of candidates) {
    const client = await deps.clients.getClient(tenant.id, candidate.clientId);
    if (client === undefined) continue;
    knownClient = true;
    if (candidate.clientSecret === undefined) {
      // RFC 6749 §3.2.1: "A client MAY use the "client_id" request parameter to identify itself when sending
      // requests to the token endpoint" — a public client; a confidential one must authenticate.
      if (client.clientType === 'public') return client;
      throw new OAuthError('invalid_client', 'Client authentication is required', { headers: challenge });
    }
    if (await deps.secrets.verify(client.secrets, candidate.clientSecret, deps.clock(), options)) return client;
  }
  if (!knownClient) {
    throw new OAuthError('invalid_client', 'Invalid client_id', { headers: challenge, detail: `unknown client in tenant ${tenant.id}` });
  }
  throw new OAuthError('invalid_client', 'Invalid client_secret', { headers: challenge });
}
