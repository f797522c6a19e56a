/** Who an accepted access token speaks for, and what it grants. */
export interface Principal {
  /** How the token was checked: locally against the JWKS, or by introspection. */
  tokenFormat: 'jwt' | 'opaque';
  /** The client the token was issued to. */
  clientId: string;
  /** `sub`: the client id for client credentials, the user id for user grants. */
  subject: string;
  /** The user's name for user grants. */
  username: string | undefined;
  scope: string[];
  /** Account numbers (seed 000) the token may act for. */
  accounts: string[];
  /** The Tessera tenant that issued the token. */
  tenant: string | undefined;
  issuer: string;
  /** ms since the epoch. */
  expiresAt: number;
  /** Every claim of the JWT, or every member of the introspection response. */
  claims: Readonly<Record<string, unknown>>;
}

/** A principal checked against one request's requirements. */
export interface BearerAuth extends Principal {
  /**
   * The accounts this request may act for: the accounts it asked for (the
   * `account` query parameter of seed 000, when the route checks it), all of
   * them granted by the token; otherwise every account the token carries.
   */
  selectedAccounts: string[];
}
