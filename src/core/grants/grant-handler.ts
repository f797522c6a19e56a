/**
 * A grant handler decides whether a token request of its grant type is valid
 * and what the token will grant. It never mints tokens (strategies do) and
 * receives only the store interfaces it needs.
 */
import type { Client, GrantType, Tenant } from '../model.ts';
import type { TokenRequest } from '../token-request.ts';

export interface GrantContext {
  request: TokenRequest;
  tenant: Tenant;
  /** The authenticated client. */
  client: Client;
  /** ms since the epoch, read once per request. */
  now: number;
}

/** What the grant decided: who the token is for and what it may do. */
export interface GrantDecision {
  subject: string;
  /** The scope as requested (undefined: not requested), to decide whether the response names the granted scope. */
  requestedScope: string[] | undefined;
  scope: string[];
  accounts: string[];
}

export interface GrantHandler {
  readonly grantType: GrantType;
  handle(context: GrantContext): Promise<GrantDecision>;
}
