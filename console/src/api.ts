/**
 * Calls to Tessera's public HTTP interfaces from the console: the admin API
 * (Bearer, RFC 9457 problems) and the OAuth endpoints (RFC 6749 §5.2 errors).
 * Same origin only; the token comes from the session, held in memory.
 */
import { currentToken, endSession } from './session.ts';

export const ADMIN = '/admin/v1';

/** A failed call, with what the server said in its own format. */
export class ApiError extends Error {
  readonly status: number;
  /** RFC 9457 problem members, or RFC 6749/6750 `error`/`error_description`. */
  readonly body: Record<string, unknown> | undefined;
  /** The field at fault, when the problem names one. */
  readonly field: string | undefined;

  constructor(status: number, body: Record<string, unknown> | undefined, fallback: string) {
    super(describe(status, body, fallback));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.field = typeof body?.field === 'string' ? body.field : undefined;
  }
}

function describe(status: number, body: Record<string, unknown> | undefined, fallback: string): string {
  if (body === undefined) return `${status} ${fallback}`;
  if (typeof body.detail === 'string') return `${String(body.title ?? status)}: ${body.detail}`;
  if (typeof body.error === 'string') return typeof body.error_description === 'string' ? `${body.error}: ${body.error_description}` : body.error;
  return `${status} ${fallback}`;
}

export async function readError(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed = (await response.json()) as unknown;
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  return new ApiError(response.status, body, response.statusText || 'error');
}

export interface ApiResult<T> {
  data: T;
  headers: Headers;
}

/** An admin API call. A 401 means the token is gone (expired, revoked): the session ends. */
export async function admin<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const response = await adminFetch(method, path, body);
  if (!response.ok) throw await readError(response);
  const data = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { data, headers: response.headers };
}

/** The raw response of an admin API call (exports); errors are thrown as {@link ApiError}. */
export async function adminFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const token = currentToken();
  if (token === undefined) throw new ApiError(401, { error: 'invalid_token', error_description: 'Not signed in' }, 'Unauthorized');
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(ADMIN + path, { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  if (response.status === 401) {
    const error = await readError(response);
    endSession('Your session ended: the server no longer accepts the access token (expired or revoked). Sign in again.');
    throw error;
  }
  return response;
}

/** `/t/<tenant>` when a tenant is named: every OAuth endpoint is also served under it. */
export function tenantPrefix(tenant: string | undefined): string {
  return tenant === undefined || tenant === '' ? '' : `/t/${encodeURIComponent(tenant)}`;
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before Base64. */
export function basicCredentials(clientId: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(secret)}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** A call to an OAuth endpoint (token, introspect, revoke) authenticated as a client. */
export async function oauthPost(path: string, credentials: { clientId: string; secret: string }, form: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { authorization: basicCredentials(credentials.clientId, credentials.secret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) throw await readError(response);
  const text = await response.text();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** The page links of an RFC 8288 `Link` header, by relation. */
export function parseLinks(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const match = /^<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match !== null) links[match[2]!] = match[1]!;
  }
  return links;
}

export interface PageBody<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
}
