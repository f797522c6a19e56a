/**
 * What a route may demand of an accepted token: scopes, and (seed 000) that
 * every account a request filters by is one the token carries.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 insufficient_scope
 */
import { BearerError } from './bearer-error.ts';
import type { Principal } from './principal.ts';

/** The `insufficient_scope` error when `principal` lacks any of `required`, else undefined. */
export function requireScopes(principal: Principal, required: readonly string[]): BearerError | undefined {
  const missing = required.filter((s) => !principal.scope.includes(s));
  if (missing.length === 0) return undefined;
  // §3: the "scope" attribute tells the client which scope "is necessary to access the requested resource".
  return new BearerError('insufficient_scope', `The access token lacks the scope: ${missing.join(' ')}`, { scope: required });
}

// The account numbers Tessera stores (src/admin/validate.ts ACCOUNT).
const ACCOUNT = /^[0-9A-Za-z_-]{1,64}$/;
/** More accounts than this in one filter is not a list, it is an attack. */
const MAX_FILTERED_ACCOUNTS = 2000;

/**
 * Seed 000's `?account=20000,20001`: the accounts a request may act for. No
 * filter means every account the token carries; a filter is allowed only
 * when the token carries each account it names. Repeated parameters
 * (`?account=1&account=2`) add up.
 *
 * @returns the accounts, deduplicated in the order asked, or the error to answer with.
 */
export function selectAccounts(principal: Principal, filter: string | readonly string[] | null | undefined): string[] | BearerError {
  const values = filter === null || filter === undefined ? [] : typeof filter === 'string' ? [filter] : filter;
  const requested = [...new Set(values.flatMap((v) => v.split(',')).map((a) => a.trim()).filter((a) => a !== ''))];
  if (requested.length === 0) return [...principal.accounts];
  if (requested.length > MAX_FILTERED_ACCOUNTS || requested.some((a) => !ACCOUNT.test(a))) {
    return new BearerError('invalid_request', 'The account parameter must be a comma-separated list of account numbers');
  }
  const refused = requested.filter((a) => !principal.accounts.includes(a));
  if (refused.length > 0) {
    return new BearerError('insufficient_scope', `The access token does not grant account: ${refused.slice(0, 10).join(', ')}`);
  }
  return requested;
}
