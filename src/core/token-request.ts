/**
 * A token request as the core sees it: already taken off the wire (form,
 * JSON, query, Basic header) by the HTTP binding, with client credentials
 * separated from the other parameters.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
import type { CallerReport } from './caller.ts';
import type { ClientCredentials } from './client-auth/credentials.ts';
import type { RequestFacts } from './request-facts.ts';

export interface TokenRequest {
  /** Every parameter except client credentials, each present at most once. */
  params: Readonly<Record<string, string>>;
  credentials: ClientCredentials | undefined;
  /** Where the request says its tenant is; resolved by {@link resolveTenant}. */
  tenantHint: TenantHint;
  /** The caller's address, for lockout records and logs. */
  remoteAddress: string | undefined;
  /** True once the caller has gone away (closed the connection); queued argon2 work for it is then dropped. */
  abandoned?: () => boolean;
  /** Told who is calling as the endpoint learns it (rate limits refuse by throwing); see caller.ts. */
  report?: CallerReport | undefined;
  /** Filled in as the request is served: tenant, client, grant, what was issued (for metrics and activity). */
  facts?: RequestFacts;
}

export interface TenantHint {
  /** The `tenant` request parameter (seed 001). */
  parameter: string | undefined;
  /** The Host header's name, lowercase, without port. */
  host: string | undefined;
  /** Whether this endpoint demands the `tenant` parameter (seed 001 marks it Required). */
  parameterRequired: boolean;
}
