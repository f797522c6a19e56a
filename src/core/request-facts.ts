/**
 * What the core learns about a request while serving it, told back to the
 * HTTP binding for metrics, activity counts and logs: which tenant, client
 * and grant it was, and what it produced. The binding passes one object per
 * request (its request context) and reads it once the answer is written;
 * the core only fills in fields, so reporting costs a few stores, and
 * nothing is parsed twice.
 */
import type { TokenFormat } from './model.ts';

export interface RequestFacts {
  /** The tenant the request resolved to; unset when it resolved to none. */
  tenantId: string | undefined;
  /** The authenticated client. */
  clientId: string | undefined;
  /** The `grant_type` a token request used (once the grant is known to the server). */
  grantType: string | undefined;
  /** The format of the access token issued. */
  tokenFormat: TokenFormat | undefined;
  /** Introspection: whether the token was active. */
  active: boolean | undefined;
}
