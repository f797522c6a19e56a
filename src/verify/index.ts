/**
 * `tessera/verify`: protect an API with access tokens issued by Tessera.
 *
 * ```ts
 * import { createBearerVerifier, fastifyBearer } from 'tessera/verify';
 * const verifier = createBearerVerifier({ issuer: 'https://auth.example.com', tenant: 'default' });
 * app.addHook('onRequest', fastifyBearer(verifier, { scopes: ['read'] }));
 * ```
 *
 * See docs/tokens-and-verification.md.
 */
export { BearerError, type BearerErrorCode, type BearerErrorResponse } from './bearer-error.ts';
export { extractBearerToken, type BearerRequest, type HeaderSource, type TokenExtractionOptions } from './bearer-request.ts';
export { bearerChallenge, quotedString, type ChallengeParameters } from '../protocol/bearer-challenge.ts';
export { expressBearer, type NodeMiddleware, type NodeRequest } from './express.ts';
export { fastifyBearer, type FastifyBearerHook } from './fastify.ts';
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
