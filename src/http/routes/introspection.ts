/**
 * `POST /oauth/introspect` (and `/t/<tenant>/oauth/introspect`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { IntrospectionEndpoint } from '../../core/introspection.ts';
import { STRICT_DIALECT } from '../dialect.ts';
import { ENDPOINT_PATHS, withTenantPrefix } from '../endpoint-paths.ts';
import { introspectionResponseBody } from '../introspection-response.ts';
import { httpInput, prepareOAuthEndpoints, refuseOtherMethods } from '../oauth-endpoint.ts';
import { tokenRequestFromHttp } from '../parse/token-request-from-http.ts';
import { NO_STORE_HEADERS } from '../token-response.ts';

export interface IntrospectionRoutesOptions {
  introspectionEndpoint: IntrospectionEndpoint;
  bodyLimitBytes: number;
}

export async function introspectionRoutes(app: FastifyInstance, options: IntrospectionRoutesOptions): Promise<void> {
  prepareOAuthEndpoints(app, options.bodyLimitBytes);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // §2.1: "The protected resource calls the introspection endpoint using an HTTP POST request with
    // parameters sent as "application/x-www-form-urlencoded" data" — the token endpoint's strict rules.
    const clientRequest = tokenRequestFromHttp(httpInput(request, request.body as Buffer | undefined), STRICT_DIALECT);
    const result = await options.introspectionEndpoint(clientRequest);
    // Introspection answers describe live credentials: no cache may keep them.
    return reply.code(200).headers(NO_STORE_HEADERS).send(JSON.stringify(introspectionResponseBody(result)));
  };
  for (const url of withTenantPrefix(ENDPOINT_PATHS.introspection)) {
    app.post(url, handler);
    refuseOtherMethods(app, url, ['POST'], 'introspection endpoint');
  }
}
