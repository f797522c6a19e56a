/**
 * Token endpoint dialects: the wire-level leniencies real vendors' APIs need
 * (the seeds in shared/seeds). Strict RFC 6749 is the default; each leniency
 * is a named option an operator turns on for one path.
 */

export type BodyFormat = 'form' | 'json';
export type TokenMethod = 'POST' | 'GET';

export interface TokenDialect {
  /** HTTP methods served. GET (with a form body, seed 003) is off by default. */
  methods: TokenMethod[];
  /** Accepted body formats. JSON (seed 004) is off by default. */
  bodyFormats: BodyFormat[];
  /**
   * Decide the body format from the body itself rather than the Content-Type
   * header (seed 003 sends a form body labelled `application/json`).
   */
  ignoreContentType: boolean;
  /** Accept parameters, client credentials included, in the query string. Off by default: URLs end up in logs. */
  queryParameters: boolean;
  /** Whether the `tenant` parameter (seed 001) is required on this path. */
  tenantParameter: 'optional' | 'required';
  /** Spelling of `token_type`; RFC 6750 says it is case-insensitive, some clients disagree (seed 000, 003 use `bearer`). */
  tokenType: 'Bearer' | 'bearer';
  /** `owin` adds seed 003's `.issued`/`.expires` (RFC 1123 dates) and, for user grants, `userName`, `userId`, `role`. */
  responseFields: 'rfc6749' | 'owin';
}

export const STRICT_DIALECT: TokenDialect = {
  methods: ['POST'],
  bodyFormats: ['form'],
  ignoreContentType: false,
  queryParameters: false,
  tenantParameter: 'optional',
  tokenType: 'Bearer',
  responseFields: 'rfc6749',
};

/** Named presets; a path picks one and may override single options. */
export const DIALECT_PRESETS: Record<string, TokenDialect> = {
  rfc6749: STRICT_DIALECT,
  /** Seed 004: credentials and grant in a JSON body. */
  json: { ...STRICT_DIALECT, bodyFormats: ['form', 'json'] },
  /** Seed 001: form body that must name its tenant. */
  'tenant-required': { ...STRICT_DIALECT, tenantParameter: 'required' },
  /** Seed 003: ASP.NET OWIN `/Token` style: GET or POST, form body whatever the Content-Type, extra fields. */
  owin: {
    ...STRICT_DIALECT,
    methods: ['GET', 'POST'],
    ignoreContentType: true,
    tokenType: 'bearer',
    responseFields: 'owin',
  },
};
