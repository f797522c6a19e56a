/** An injectable app with an admin client, and helpers to get admin tokens and call the admin API. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Store } from '../../../src/store/store.ts';
import { basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../../helpers/fixtures.ts';
import { FORM, injectableApp } from '../helpers.ts';

export interface AdminHarness {
  t: TestTessera;
  app: FastifyInstance;
  /** A token of the default tenant's `admin` client: administrator of every tenant. */
  rootToken: string;
  /** Gets a token by client credentials for a client created with these scopes in a tenant. */
  tokenFor(clientId: string, scopes: string[], tenantId?: string): Promise<string>;
  call(method: InjectOptions['method'], url: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
}

/** @param options.store the store to serve from (default: a fresh memory store) */
export async function adminHarness(options: { store?: Store } = {}): Promise<AdminHarness> {
  const t = await createTestTessera(options);
  const app = await injectableApp(t);
  const tokenFor = async (clientId: string, scopes: string[], tenantId = 'default') => {
    const created = await t.clients.create({ tenantId, id: clientId, scopes }, TEST_CHANGE);
    const res = await app.inject({
      method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(clientId, created.clientSecret!) },
      payload: `grant_type=client_credentials&tenant=${tenantId}`,
    });
    return res.json().access_token as string;
  };
  const rootToken = await tokenFor('admin', ['admin']);
  const call: AdminHarness['call'] = (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? rootToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    return app.inject({
      method, url, headers,
      ...(options.body === undefined ? {} : { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body), headers: { 'content-type': 'application/json', ...headers } }),
    });
  };
  return { t, app, rootToken, tokenFor, call };
}
