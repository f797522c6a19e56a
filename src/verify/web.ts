/**
 * Web `Request`/`Response` binding, for handlers written against the Fetch
 * API (Node's own, Hono, Next.js route handlers and the like).
 *
 * ```ts
 * const result = await authenticateRequest(verifier, request, { scopes: ['read'] });
 * if ('response' in result) return result.response;
 * return Response.json(listAccounts(result.auth.selectedAccounts));
 * ```
 */
import type { BearerAuth } from './principal.ts';
import type { BearerRequirements, BearerVerifier } from './verifier.ts';

export type WebAuthResult = { auth: BearerAuth } | { response: Response };

/** The principal, or the ready-made error `Response` to return. */
export async function authenticateRequest(verifier: BearerVerifier, request: Request, requirements: BearerRequirements = {}): Promise<WebAuthResult> {
  // Headers joins repeated fields with ", ", which no token contains: two Authorization headers read as malformed.
  const result = await verifier.authenticate({ headers: request.headers, url: request.url }, requirements);
  if (result.ok) return { auth: result.auth };
  const { status, headers, body } = result.error.response(verifier.realm);
  return { response: new Response(JSON.stringify(body), { status, headers }) };
}
