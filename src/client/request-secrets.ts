/**
 * Remembers which secrets went into the request behind a `Response`, so that
 * `processTokenResponse(response)` can scrub them from error text without the
 * caller passing secrets around a second time. A `WeakMap` keeps the secrets
 * off the response object (nothing enumerable, nothing serialisable) and lets
 * them be collected with it.
 *
 * @module
 */

const secretsByResponse = new WeakMap<Response, readonly string[]>();

/**
 * Records the secrets (in every spelling) sent in the request that produced `response`.
 * @see docs/client.md#secrets
 */
export function rememberSecrets(response: Response, secrets: readonly string[]): void {
  secretsByResponse.set(response, secrets);
}

/**
 * The secrets recorded for `response`; empty for responses the SDK did not request.
 * @see docs/client.md#secrets
 */
export function secretsOf(response: Response): readonly string[] {
  return secretsByResponse.get(response) ?? [];
}
