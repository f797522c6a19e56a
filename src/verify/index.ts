/**
 * `@tessera-oauth/verify`: protect an API with access tokens issued by Tessera,
 * on any runtime with `fetch` and Web Crypto (Node, Deno, Bun, browsers, edge
 * workers). The framework bindings are entry points of their own, so this one
 * names no framework's types: `@tessera-oauth/verify/fastify` and
 * `@tessera-oauth/verify/express`.
 *
 * ```ts
 * import { createBearerVerifier } from '@tessera-oauth/verify';
 * import { fastifyBearer } from '@tessera-oauth/verify/fastify';
 * const verifier = createBearerVerifier({ issuer: 'https://auth.example.com', tenant: 'default' });
 * app.addHook('onRequest', fastifyBearer(verifier, { scopes: ['read'] }));
 * ```
 *
 * See docs/tokens-and-verification.md.
 * @module
 */
export { BearerError, type BearerErrorCode, type BearerErrorResponse } from './bearer-error.ts';
export { extractBearerToken, type BearerRequest, type HeaderSource, type TokenExtractionOptions } from './bearer-request.ts';
export { bearerChallenge, quotedString, type ChallengeParameters } from '../protocol/bearer-challenge.ts';
export { DEFAULT_ALGORITHMS } from './jwt-access-token.ts';
export type { BearerAuth, Principal } from './principal.ts';
export { requireScopes, selectAccounts } from './requirements.ts';
export {
  createBearerVerifier,
  type AuthenticateResult,
  type BearerRequirements,
  type BearerVerifier,
  type BearerVerifierOptions,
  type IntrospectionSettings,
  type VerifyResult,
} from './verifier.ts';
export { authenticateRequest, type WebAuthResult } from './web.ts';
