/**
 * The signed-in administrator. The access token and the client's credentials
 * live in this module's variables only: never in localStorage, sessionStorage
 * or a cookie, so closing or reloading the tab signs out. The credentials are
 * kept for one purpose, revoking the token at sign-out (RFC 7009 needs the
 * client to authenticate); the token is never renewed behind the operator's
 * back, so a session lasts one token lifetime at most.
 */
import { admin, ApiError, oauthPost, tenantPrefix, type PageBody } from './api.ts';

export interface SessionInfo {
  clientId: string;
  /** The tenant the client belongs to, as typed at sign-in; undefined for the default tenant. */
  tenant: string | undefined;
  scope: string[];
  /** ms since the epoch. */
  expiresAt: number;
  /** Tenants this token administers (GET /admin/v1/tenants answers only those). */
  tenants: string[];
  /** Administers every tenant: may create tenants and read the whole audit log. */
  global: boolean;
}

interface Credentials {
  clientId: string;
  secret: string;
  tenant: string | undefined;
}

let token: string | undefined;
let credentials: Credentials | undefined;
let info: SessionInfo | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let lastNotice: string | undefined;
const listeners = new Set<() => void>();

export function currentToken(): string | undefined {
  return token;
}

export function currentSession(): SessionInfo | undefined {
  return info;
}

/** Why the last session ended, when it was not the operator's choice. */
export function sessionNotice(): string | undefined {
  return lastNotice;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

/** Client credentials grant (RFC 6749 §4.4), then which tenants the token administers. */
export async function signIn(input: { clientId: string; secret: string; tenant?: string | undefined; scope?: string | undefined }): Promise<void> {
  const tenant = input.tenant === '' ? undefined : input.tenant;
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (input.scope !== undefined && input.scope !== '') form.scope = input.scope;
  const answer = await oauthPost(`${tenantPrefix(tenant)}/oauth/token`, { clientId: input.clientId, secret: input.secret }, form);
  if (typeof answer.access_token !== 'string') throw new ApiError(200, { error: 'invalid_response', error_description: 'The token endpoint answered without an access_token' }, 'OK');
  const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
  token = answer.access_token;
  credentials = { clientId: input.clientId, secret: input.secret, tenant };
  try {
    const { tenants, global } = await administered();
    info = {
      clientId: input.clientId,
      tenant,
      scope: typeof answer.scope === 'string' ? answer.scope.split(' ') : (form.scope ?? '').split(' ').filter(Boolean),
      expiresAt: Date.now() + expiresIn * 1000,
      tenants,
      global,
    };
  } catch (error) {
    token = undefined;
    credentials = undefined;
    throw error;
  }
  lastNotice = undefined;
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('Your session ended: the access token expired. Sign in again.'), expiresIn * 1000);
  changed();
}

/** Re-reads the tenants (after one is created). */
export async function refreshTenants(): Promise<void> {
  if (info === undefined) return;
  const { tenants, global } = await administered();
  info = { ...info, tenants, global };
  changed();
}

async function administered(): Promise<{ tenants: string[]; global: boolean }> {
  const tenants: string[] = [];
  for (let page = 1; ; page++) {
    const { data } = await admin<PageBody<{ id: string }>>('GET', `/tenants?perPage=2000&page=${page}`);
    tenants.push(...data.items.map((t) => t.id));
    if (page * data.perPage >= data.total) break;
  }
  // Only an administrator of every tenant may read the whole audit log: the API itself says which this token is.
  let global = true;
  try {
    await admin('GET', '/audit?perPage=1');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    global = false;
  }
  return { tenants, global };
}

/** Revokes the token (RFC 7009) and forgets everything. */
export async function signOut(): Promise<void> {
  const revoking = token !== undefined && credentials !== undefined
    ? oauthPost(`${tenantPrefix(credentials.tenant)}/oauth/revoke`, credentials, { token, token_type_hint: 'access_token' })
    : Promise.resolve({});
  forget();
  lastNotice = undefined;
  changed();
  try {
    await revoking;
  } catch {
    // The token is forgotten either way; an unreachable server cannot be told, and the token expires by itself.
  }
}

/** Ends the session without the operator asking (expiry, a 401 from the API). */
export function endSession(notice: string): void {
  if (token === undefined) return;
  forget();
  lastNotice = notice;
  changed();
}

function forget(): void {
  clearTimeout(expiryTimer);
  token = undefined;
  credentials = undefined;
  info = undefined;
}
