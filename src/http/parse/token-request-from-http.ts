/**
 * Takes a token request off the wire: picks the body format, merges query
 * parameters where the dialect allows them, and separates client credentials
 * (Basic header, or `client_id`/`client_secret` parameters) from the rest.
 * The result is the core's plain {@link TokenRequest}.
 */
import type { CallerReport } from '../../core/caller.ts';
import type { ClientCredentials } from '../../core/client-auth/credentials.ts';
import { OAuthError } from '../../core/errors.ts';
import type { RequestFacts } from '../../core/request-facts.ts';
import type { TokenRequest } from '../../core/token-request.ts';
import type { TokenDialect } from '../../config/dialect.ts';
import { parseBasicAuthorization } from './basic-credentials.ts';
import { decodeUtf8, emptyParameters, parseForm } from './form.ts';
import { parseJsonParameters } from './json-body.ts';

export interface HttpTokenInput {
  method: string;
  /** Raw query string without `?`, or ''. */
  query: string;
  contentType: string | undefined;
  authorization: string | undefined;
  host: string | undefined;
  body: Buffer | undefined;
  remoteAddress: string | undefined;
  /** True once the client has gone away. */
  abandoned?: () => boolean;
  /** The tenant a `/t/<tenant>/…` path names. */
  pathTenant?: string | undefined;
  /** The request pipeline's ear for who is calling (rate limits). */
  report?: CallerReport | undefined;
  /** Where the core reports what it learns (the request's pipeline context). */
  facts?: RequestFacts;
}

export function tokenRequestFromHttp(input: HttpTokenInput, dialect: TokenDialect): TokenRequest {
  const params = emptyParameters();
  if (input.query !== '') {
    if (!dialect.queryParameters) {
      // RFC 6749 §3.2: "The client MUST use the HTTP "POST" method when making access token requests."
      // Parameters in a URL leak into logs and proxies, so they are refused unless a dialect needs them.
      throw new OAuthError('invalid_request', 'Parameters in the query string are not accepted at this endpoint; send them in the request body');
    }
    parseForm(input.query, params);
  }
  if (input.body !== undefined && input.body.length > 0) parseBody(input, dialect, params);

  const credentials = extractCredentials(params, input.authorization);
  const tenant = tenantParameter(params.tenant, input.pathTenant);
  delete params.tenant;
  return {
    params,
    credentials,
    tenantHint: { parameter: tenant, host: hostName(input.host), parameterRequired: dialect.tenantParameter === 'required' },
    remoteAddress: input.remoteAddress,
    abandoned: input.abandoned,
    report: input.report,
    facts: input.facts,
  };
}

function parseBody(input: HttpTokenInput, dialect: TokenDialect, params: Record<string, string>): void {
  const text = decodeUtf8(input.body!, 'request body');
  const format = bodyFormat(input.contentType, text, dialect);
  if (format === 'json') parseJsonParameters(text, params);
  else parseForm(text, params);
}

function bodyFormat(contentType: string | undefined, text: string, dialect: TokenDialect): 'form' | 'json' {
  const allowsJson = dialect.bodyFormats.includes('json');
  if (dialect.ignoreContentType) {
    // Seed 003 labels a form body `application/json`: trust the bytes, not the label.
    if (!text.trimStart().startsWith('{')) return 'form';
    // No form parameter name starts with `{`: this is JSON, which read as a form would be one unnamed parameter.
    if (allowsJson) return 'json';
    throw new OAuthError('invalid_request', 'The request body is JSON; this endpoint takes form-encoded parameters (grant_type=...&username=...)');
  }
  if (contentType === undefined) {
    throw new OAuthError('invalid_request', 'Missing Content-Type; send application/x-www-form-urlencoded');
  }
  const [mediaType = '', ...parameters] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new OAuthError('invalid_request', `Unsupported charset ${charset.slice(0, 20)}; use UTF-8`);
  }
  if (mediaType === 'application/x-www-form-urlencoded' && dialect.bodyFormats.includes('form')) return 'form';
  if (mediaType === 'application/json' && allowsJson) return 'json';
  const accepted = dialect.bodyFormats.map((f) => (f === 'form' ? 'application/x-www-form-urlencoded' : 'application/json')).join(' or ');
  throw new OAuthError('invalid_request', `Unsupported Content-Type; send ${accepted}`);
}

/**
 * RFC 6749 §2.3: "The client MUST NOT use more than one authentication method
 * in each request." A `client_id` parameter beside Basic is tolerated only
 * when it names the same client.
 */
function extractCredentials(params: Record<string, string>, authorization: string | undefined): ClientCredentials | undefined {
  const basic = parseBasicAuthorization(authorization);
  const bodyId = params.client_id;
  const bodySecret = params.client_secret;
  delete params.client_id;
  delete params.client_secret;
  if (basic !== undefined) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Client credentials were sent both in the Authorization header and in the request; use one method');
    }
    if (bodyId !== undefined && bodyId !== basic.clientId && bodyId !== basic.raw?.clientId) {
      throw new OAuthError('invalid_request', 'The client_id parameter does not match the Authorization header');
    }
    return basic;
  }
  if (bodyId === undefined) {
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'client_secret was sent without client_id');
    return undefined;
  }
  if (bodySecret === undefined) return { method: 'none', clientId: bodyId };
  return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
}

/** The tenant the request names: by path or by the `tenant` parameter, which must then agree. */
function tenantParameter(parameter: string | undefined, path: string | undefined): string | undefined {
  if (path === undefined) return parameter;
  if (parameter !== undefined && parameter !== path) {
    throw new OAuthError('invalid_request', 'The tenant parameter does not match the tenant in the path');
  }
  return path;
}

/** The Host header's name, lowercase, without port (IPv6 literals keep their brackets). */
export function hostName(host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}
