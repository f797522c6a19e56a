/**
 * `POST /oauth/revoke` (and `/t/<tenant>/oauth/revoke`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { RevocationEndpoint } from '../../core/revocation.ts';
import { STRICT_DIALECT } from '../dialect.ts';
import { ENDPOINT_PATHS, withTenantPrefix } from '../endpoint-paths.ts';
import { httpInput, prepareOAuthEndpoints, refuseOtherMethods } from '../oauth-endpoint.ts';
import { tokenRequestFromHttp } from '../parse/token-request-from-http.ts';

export interface RevocationRoutesOptions {
  revocationEndpoint: RevocationEndpoint;
  bodyLimitBytes: number;
}

export async function revocationRoutes(app: FastifyInstance, options: RevocationRoutesOptions): Promise<void> {
  prepareOAuthEndpoints(app, options.bodyLimitBytes);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // §2.1: "The client requests the revocation of a particular token by making an HTTP POST request to the
    // token revocation endpoint URL ... using the "application/x-www-form-urlencoded" format".
    const clientRequest = tokenRequestFromHttp(httpInput(request, request.body as Buffer | undefined), STRICT_DIALECT);
    await options.revocationEndpoint(clientRequest);
    // §2.2: "The content of the response body is ignored by the client as all necessary information is
    // conveyed in the response code."
    return reply.code(200).header('cache-control', 'no-store').send();
  };
  for (const url of withTenantPrefix(ENDPOINT_PATHS.revocation)) {
    app.post(url, handler);
    refuseOtherMethods(app, url, ['POST'], 'revocation endpoint');
  }
}
