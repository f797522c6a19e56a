/**
 * The form-posting OAuth endpoints (token, introspection, revocation) as
 * plain request → response functions: the path, the methods, and how a
 * request taken off the wire becomes the response body. They know nothing of
 * Fastify or `node:http`; form-request.ts serves them on either.
 */
import type { IntrospectionEndpoint } from '../core/introspection.ts';
import type { RevocationEndpoint } from '../core/revocation.ts';
import type { TokenEndpoint } from '../core/token-endpoint.ts';
import { resolveDialect, STRICT_DIALECT, type TokenDialect, type TokenEndpointConfig } from '../config/dialect.ts';
import { OAuthError } from '../core/errors.ts';
import { ENDPOINT_PATHS, TOKEN_PATH } from './endpoint-paths.ts';
import { introspectionResponseBody } from './introspection-response.ts';
import type { RouteInfo } from './pipeline/request-context.ts';
import { tokenRequestFromHttp, type HttpTokenInput } from './parse/token-request-from-http.ts';
import { NO_STORE_HEADERS, tokenResponseBody } from './token-response.ts';

export interface TokenRoute {
  path: string;
  dialect: TokenDialect;
  /** The tenant every request here is for, when the path is bound to one. */
  tenant?: string | undefined;
}

/** The token routes to serve: `/oauth/token` (strict unless configured) plus every configured path. */
export function tokenRoutes(configured: readonly TokenEndpointConfig[]): TokenRoute[] {
  const routes = new Map<string, TokenRoute>([[TOKEN_PATH, { path: TOKEN_PATH, dialect: STRICT_DIALECT }]]);
  configured.forEach((endpoint, i) =>
    routes.set(endpoint.path, {
      path: endpoint.path,
      dialect: resolveDialect(endpoint, `tokenEndpoints[${i}]`),
      ...(endpoint.tenant === undefined ? {} : { tenant: endpoint.tenant }),
    }),
  );
  return [...routes.values()];
}

/**
 * The input of a path bound to a tenant: that tenant, as if the path named it
 * (`/t/<tenant>/…`), so a `tenant` parameter or a `/t/` prefix naming another
 * is refused rather than obeyed.
 */
function boundTo(tenant: string | undefined, input: HttpTokenInput): HttpTokenInput {
  if (tenant === undefined) return input;
  if (input.pathTenant !== undefined && input.pathTenant !== tenant) {
    throw new OAuthError('invalid_request', 'The tenant in the path does not match the tenant this endpoint serves');
  }
  return { ...input, pathTenant: tenant };
}

/** Whether a dialect writes errors otherwise than RFC 6749 §5.2 does (the strict writer is then used). */
function writesOwnErrors(dialect: TokenDialect): boolean {
  return dialect.errorFieldOrder !== 'error-first' || Object.keys(dialect.errors).length > 0;
}

export interface FormResponse {
  headers: Readonly<Record<string, string>>;
  /** JSON text, or undefined for an empty body. */
  body: string | undefined;
}

export interface FormEndpoint {
  /** Path without the `/t/<tenant>` prefix, under which each endpoint is also served. */
  path: string;
  /** Match the path in any letter case (the `owin` dialect); default false. */
  caseInsensitive?: boolean;
  methods: readonly string[];
  /** Names the endpoint in 405 answers. */
  name: string;
  /** What the request pipeline's hooks know it as. */
  route: RouteInfo;
  /** Answers a request; throws an OAuthError (or any error) for the §5.2 error body. */
  respond(input: HttpTokenInput): Promise<FormResponse>;
}

export interface FormEndpointsOptions {
  tokenRoutes: readonly TokenRoute[];
  tokenEndpoint: TokenEndpoint;
  introspectionEndpoint: IntrospectionEndpoint;
  revocationEndpoint: RevocationEndpoint;
}

/** RFC 7009 §2.2: "The content of the response body is ignored by the client". */
const REVOKED: FormResponse = { headers: { 'cache-control': 'no-store' }, body: undefined };

export function formEndpoints(options: FormEndpointsOptions): FormEndpoint[] {
  const tokenEndpoints = options.tokenRoutes.map(
    ({ path, dialect, tenant }): FormEndpoint => ({
      path,
      caseInsensitive: dialect.pathCase === 'insensitive',
      methods: dialect.methods,
      name: 'token endpoint',
      route: { name: 'token', errorFormat: 'oauth', methods: dialect.methods, errorDialect: writesOwnErrors(dialect) ? dialect : undefined },
      async respond(input) {
        const result = await options.tokenEndpoint(tokenRequestFromHttp(boundTo(tenant, input), dialect));
        return { headers: NO_STORE_HEADERS, body: JSON.stringify(tokenResponseBody(result, dialect)) };
      },
    }),
  );
  return [
    ...tokenEndpoints,
    {
      path: ENDPOINT_PATHS.introspection,
      methods: ['POST'],
      name: 'introspection endpoint',
      route: { name: 'introspection', errorFormat: 'oauth', methods: ['POST'] },
      // RFC 7662 §2.1: "The protected resource calls the introspection endpoint using an HTTP POST request with
      // parameters sent as "application/x-www-form-urlencoded" data" — the token endpoint's strict rules.
      async respond(input) {
        const result = await options.introspectionEndpoint(tokenRequestFromHttp(input, STRICT_DIALECT));
        // Introspection answers describe live credentials: no cache may keep them.
        return { headers: NO_STORE_HEADERS, body: JSON.stringify(introspectionResponseBody(result)) };
      },
    },
    {
      path: ENDPOINT_PATHS.revocation,
      methods: ['POST'],
      name: 'revocation endpoint',
      route: { name: 'revocation', errorFormat: 'oauth', methods: ['POST'] },
      // RFC 7009 §2.1: "making an HTTP POST request to the token revocation endpoint URL ... using the
      // "application/x-www-form-urlencoded" format".
      async respond(input) {
        await options.revocationEndpoint(tokenRequestFromHttp(input, STRICT_DIALECT));
        return REVOKED;
      },
    },
  ];
}
