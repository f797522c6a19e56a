/**
 * The caller-chosen parameters of a token request (scope, audience, extra
 * vendor parameters such as seed 001's `tenant`), the rules on what they may
 * not override, and the cache key they produce.
 *
 * @module
 */
import { ClientConfigurationError } from './errors.ts';

/**
 * Parameters a caller may add to a token request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export interface TokenRequestParameters {
  /**
   * Requested scope: a space-delimited string or a list of scope tokens.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
   */
  readonly scope?: string | readonly string[] | undefined;
  /** Requested audience, for vendors that take one (Auth0-style). */
  readonly audience?: string | undefined;
  /**
   * Any other parameters the vendor wants, e.g. `{ tenant: 'example.com' }`
   * (seed 001). May not hold a reserved name; see {@link RESERVED_PARAMETERS}.
   */
  readonly params?: Readonly<Record<string, string>> | undefined;
}

/**
 * Parameter names `params` may never set, because the SDK sets them from the
 * grant and the client credentials and letting a free-form map override them
 * would silently change the grant or leak a secret into a cache key. Compared
 * case-insensitively, since some servers fold parameter names.
 * `scope` and `audience` have their own options and may appear in `params`
 * only when the matching option is not also set.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const RESERVED_PARAMETERS: readonly string[] = [
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'username',
  'password',
  'refresh_token',
];

/**
 * Parameters in the order they are sent, all reserved-name rules already applied.
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export type ParameterList = ReadonlyArray<readonly [string, string]>;

/**
 * Checks `parameters` against the reserved names and the scope/audience rule.
 * @param where names the option in the error message (`params`, `getToken() params`).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function assertValidParameters(parameters: TokenRequestParameters, where: string): void {
  for (const [name, value] of Object.entries(parameters.params ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED_PARAMETERS.includes(lower)) {
      throw new ClientConfigurationError(
        `${where} may not set '${name}': the SDK sets it from the grant and client credentials`,
      );
    }
    if (typeof value !== 'string') throw new ClientConfigurationError(`${where}.${name} must be a string`);
    if ((lower === 'scope' && parameters.scope !== undefined) || (lower === 'audience' && parameters.audience !== undefined)) {
      throw new ClientConfigurationError(`set ${lower} either as an option or in ${where}, not both`);
    }
  }
}

/**
 * Combines the token source's defaults with one call's parameters: the call's
 * `scope` and `audience` replace the defaults, and its `params` are merged over
 * the default `params` name by name.
 * @see docs/client.md#caching-and-single-flight
 */
export function mergeParameters(defaults: TokenRequestParameters, call: TokenRequestParameters): TokenRequestParameters {
  return {
    scope: call.scope ?? defaults.scope,
    audience: call.audience ?? defaults.audience,
    params: { ...defaults.params, ...call.params },
  };
}

/**
 * Joins a scope given as a list; trims a string. Empty scope counts as absent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function scopeString(scope: string | readonly string[] | undefined): string | undefined {
  if (scope === undefined) return undefined;
  const joined = typeof scope === 'string' ? scope.trim() : scope.join(' ');
  return joined === '' ? undefined : joined;
}

/**
 * The parameters as name/value pairs, in a stable order: scope, audience, then `params` as given.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export function parameterList(parameters: TokenRequestParameters): ParameterList {
  const list: Array<readonly [string, string]> = [];
  const scope = scopeString(parameters.scope);
  if (scope !== undefined) list.push(['scope', scope]);
  if (parameters.audience !== undefined) list.push(['audience', parameters.audience]);
  for (const [name, value] of Object.entries(parameters.params ?? {})) list.push([name, value]);
  return list;
}

/**
 * The cache key for a set of parameters: every parameter counts, so a token
 * for one scope, audience or tenant is never handed out for another. Scope is
 * a set ("the order does not matter", RFC 6749 §3.3), so its tokens are sorted
 * and de-duplicated; other parameters are sorted by name.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function cacheKey(parameters: TokenRequestParameters): string {
  const scope = scopeString(parameters.scope);
  const scopeSet = scope === undefined ? [] : [...new Set(scope.split(/\s+/))].sort();
  const params = Object.entries(parameters.params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([scopeSet, parameters.audience ?? null, params]);
}
