/**
 * A grant handler decides whether a token request of its grant type is valid
 * and what the token will grant. It never mints tokens (strategies do) and
 * receives only the store interfaces it needs.
 */
import type { Attributes, Client, GrantType, Tenant } from '../model.ts';
import type { TokenRequest } from '../token-request.ts';

export interface GrantContext {
  request: TokenRequest;
  tenant: Tenant;
  /** The authenticated client. */
  client: Client;
  /** ms since the epoch, read once per request. */
  now: number;
}

/** The user a user grant (password, refresh token) acts for, as responses name them (seed 003). */
export interface ResourceOwner {
  id: string;
  username: string;
  role: string;
  /** The user's attributes, for claim mappers. */
  attributes: Attributes;
}

/** What the grant decided: who the token is for and what it may do. */
export interface GrantDecision {
  subject: string;
  /** The scope as requested (undefined: not requested), to decide whether the response names the granted scope. */
  requestedScope: string[] | undefined;
  scope: readonly string[];
  accounts: readonly string[];
  /** The resource owner, for user grants; absent for client grants. */
  user?: ResourceOwner;
  /** The token family (one login and everything refreshed from it); absent for client grants. */
  familyId?: string;
  /**
   * Issue a refresh token in the family, granting `scope` until `expiresAt`
   * (ms); or, with `issued`, the grant already stored this one (the refresh
   * grant stores its next token in the step that consumes the last).
   */
  refreshToken?: { scope: string[]; expiresAt: number; issued?: string };
  /** A fresh login, to which the client's single-active-token policy applies (a refresh is not one). */
  newLogin?: boolean;
  /**
   * Called with the access token once it and the refresh token are stored,
   * before they are answered: the grant's last word (the refresh grant looks
   * at its family again); throws to refuse, having revoked what it must.
   */
  confirm?: (accessToken: string) => Promise<void>;
}

export interface GrantHandler {
  readonly grantType: GrantType;
  /**
   * Refuse public clients (with `invalid_client`, as if no credentials were
   * sent). RFC 6749 §4.4: "The client credentials grant type MUST only be
   * used by confidential clients."
   */
  readonly confidentialClientsOnly?: boolean;
  handle(context: GrantContext): Promise<GrantDecision>;
}
