/**
 * The token endpoint binding: one route per configured path and method, each
 * with its dialect (and each also under `/t/<tenant>`). It takes the request
 * off the wire, calls the core, and writes the RFC 6749 §5 response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenEndpoint } from '../../core/token-endpoint.ts';
import type { TokenDialect } from '../dialect.ts';
import { withTenantPrefix } from '../endpoint-paths.ts';
import { httpInput, prepareOAuthEndpoints, refuseOtherMethods } from '../oauth-endpoint.ts';
import { tokenRequestFromHttp } from '../parse/token-request-from-http.ts';
import { readRawBody } from '../read-body.ts';
import { NO_STORE_HEADERS, tokenResponseBody } from '../token-response.ts';

export interface TokenRoute {
  path: string;
  dialect: TokenDialect;
}

export interface TokenRoutesOptions {
  routes: readonly TokenRoute[];
  tokenEndpoint: TokenEndpoint;
  bodyLimitBytes: number;
}

export async function tokenRoutes(app: FastifyInstance, options: TokenRoutesOptions): Promise<void> {
  prepareOAuthEndpoints(app, options.bodyLimitBytes);

  for (const route of options.routes) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      // Fastify leaves GET bodies unread; seed 003 sends its form there.
      const body = request.method === 'GET' ? await readRawBody(request.raw, options.bodyLimitBytes) : (request.body as Buffer | undefined);
      const tokenRequest = tokenRequestFromHttp(httpInput(request, body), route.dialect);
      const result = await options.tokenEndpoint(tokenRequest);
      return reply.code(200).headers(NO_STORE_HEADERS).send(JSON.stringify(tokenResponseBody(result, route.dialect)));
    };
    for (const url of withTenantPrefix(route.path)) {
      app.route({ method: route.dialect.methods, url, handler });
      refuseOtherMethods(app, url, route.dialect.methods, 'token endpoint');
    }
  }
}
