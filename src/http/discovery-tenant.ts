/**
 * Where a discovery request (metadata, JWKS) names its tenant. These are
 * plain GETs a resource server makes, so the tenant comes from the path
 * (`/t/<tenant>/…`) first, then a `tenant` query parameter, then the Host
 * header; the core falls back to the default tenant.
 */
import type { FastifyRequest } from 'fastify';
import type { TenantHint } from '../core/token-request.ts';
import { pathTenant } from './endpoint-paths.ts';
import { parseForm } from './parse/form.ts';
import { hostName } from './parse/token-request-from-http.ts';

export function discoveryHint(request: FastifyRequest): Omit<TenantHint, 'parameterRequired'> {
  const queryStart = request.url.indexOf('?');
  const query = parseForm(queryStart === -1 ? '' : request.url.slice(queryStart + 1));
  return { parameter: pathTenant(request.params) ?? query.tenant, host: hostName(request.headers.host) };
}
