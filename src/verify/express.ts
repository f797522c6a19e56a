/**
 * Express (and Connect, and plain `node:http`) binding
 * (`@tessera-oauth/verify/express`): a middleware that lets a request through
 * only with an access token meeting the route's requirements, and sets
 * `req.auth`. It uses nothing of Express but the `(req, res, next)`
 * convention, so Express is not a dependency; it is an entry point of its
 * own because it names Node's `node:http` types.
 *
 * ```ts
 * import { expressBearer } from '@tessera-oauth/verify/express';
 * app.get('/accounts', expressBearer(verifier, { scopes: ['read'], accountParameter: 'account' }),
 *   (req, res) => res.json(listAccounts(req.auth!.selectedAccounts)));
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerAuth } from './principal.ts';
import type { BearerRequirements, BearerVerifier } from './verifier.ts';

declare global {
  // Express's request type is augmented through this global namespace (@types/express-serve-static-core).
  namespace Express {
    interface Request {
      /** Set by {@link expressBearer} once the access token is accepted. */
      auth?: BearerAuth;
    }
  }
}

/** The request as Express hands it over: Node's, with the URL Express keeps before mounting. */
export type NodeRequest = IncomingMessage & { auth?: BearerAuth; originalUrl?: string };
export type NodeMiddleware = (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

export function expressBearer(verifier: BearerVerifier, requirements: BearerRequirements = {}): NodeMiddleware {
  return function bearer(req, res, next) {
    verifier
      .authenticate({ headers: req.headers, rawHeaders: req.rawHeaders, url: req.originalUrl ?? req.url }, requirements)
      .then((result) => {
        if (result.ok) {
          req.auth = result.auth;
          next();
          return;
        }
        const { status, headers, body } = result.error.response(verifier.realm);
        res.writeHead(status, headers).end(JSON.stringify(body));
      }, next);
  };
}
