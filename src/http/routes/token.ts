/**
 * The token endpoint binding: one route per configured path and method, each
 * with its dialect. It takes the request off the wire, calls the core, and
 * writes the RFC 6749 §5 response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../core/errors.ts';
import type { TokenEndpoint } from '../../core/token-endpoint.ts';
import type { TokenDialect } from '../dialect.ts';
import { sendOAuthError } from '../oauth-error-reply.ts';
import { tokenRequestFromHttp } from '../parse/token-request-from-http.ts';
import { readRawBody } from '../read-body.ts';
import { NO_STORE_HEADERS, tokenResponseBody } from '../token-response.ts';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

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
  // The binding parses bodies itself: it must see repeated parameters, bad
  // UTF-8 and lying Content-Types, which generic parsers hide.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => sendOAuthError(error, request, reply));

  for (const route of options.routes) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      // Fastify leaves GET bodies unread; seed 003 sends its form there.
      const body = request.method === 'GET' ? await readRawBody(request.raw, options.bodyLimitBytes) : (request.body as Buffer | undefined);
      const queryStart = request.url.indexOf('?');
      const tokenRequest = tokenRequestFromHttp(
        {
          method: request.method,
          query: queryStart === -1 ? '' : request.url.slice(queryStart + 1),
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          host: request.headers.host,
          body,
          remoteAddress: request.ip,
        },
        route.dialect,
      );
      const result = await options.tokenEndpoint(tokenRequest);
      return reply.code(200).headers(NO_STORE_HEADERS).send(JSON.stringify(tokenResponseBody(result, route.dialect)));
    };
    app.route({ method: route.dialect.methods, url: route.path, handler });
    const refused = ALL_METHODS.filter((m) => !(route.dialect.methods as string[]).includes(m));
    const allow = route.dialect.methods.join(', ');
    app.route({
      method: refused,
      url: route.path,
      handler: async () => {
        throw new OAuthError('invalid_request', `Method not allowed at the token endpoint; use ${allow}`, {
          status: 405,
          headers: { allow },
        });
      },
    });
  }
}
