/**
 * Text a store cannot hold (U+0000, an unpaired surrogate, over-long) in an
 * identifier, sent to a real `tessera serve` on SQLite and on PostgreSQL:
 * every endpoint answers the same 4xx on both, in its own error format, and
 * logs no error line. PostgreSQL refuses U+0000 in text, which used to
 * surface as a 500 `server_error` and an error-level log line per request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { createTestSchema, postgresSkip, type TestSchema } from '../helpers/postgres.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NUL = 'a%00b';
const LONG = 'x'.repeat(5000);

interface Case {
  name: string;
  path: string;
  init?: (bearer: string) => RequestInit;
  /** The answer every store gives: status and OAuth `error` code (undefined for problem+json and discovery). */
  status: number;
  error?: string;
}

const token = (body: string, headers: Record<string, string> = {}) => () => ({ method: 'POST', headers: { ...FORM, ...headers }, body });
const admin = (method = 'GET', body?: unknown) => (bearer: string): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

const CASES: Case[] = [
  { name: 'token: client_id with U+0000 in the body', path: '/oauth/token', init: token(`grant_type=client_credentials&client_id=${NUL}&client_secret=x`), status: 401, error: 'invalid_client' },
  { name: 'token: client_id with U+0000 in Basic', path: '/oauth/token', init: token('grant_type=client_credentials', { authorization: basic(NUL, 'x') }), status: 401, error: 'invalid_client' },
  { name: 'token: an over-long client_id', path: '/oauth/token', init: token(`grant_type=client_credentials&client_id=${LONG}&client_secret=x`), status: 401, error: 'invalid_client' },
  { name: 'token: a JSON client_id with an unpaired surrogate', path: '/oauth/token', init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials","client_id":"a\\ud800","client_secret":"x"}' }), status: 0 },
  { name: 'token: username with U+0000', path: '/oauth/token', init: token(`grant_type=password&username=${NUL}&password=x`, { authorization: basic('admin', 'x') }), status: 401, error: 'invalid_client' },
  { name: 'introspection: client_id with U+0000 in Basic', path: '/oauth/introspect', init: token('token=abc', { authorization: basic(NUL, 'x') }), status: 401, error: 'invalid_client' },
  { name: 'introspection: client_id with U+0000 in the body', path: '/oauth/introspect', init: token(`token=abc&client_id=${NUL}&client_secret=x`), status: 401, error: 'invalid_client' },
  { name: 'revocation: client_id with U+0000 in Basic', path: '/oauth/revoke', init: token('token=abc', { authorization: basic(NUL, 'x') }), status: 401, error: 'invalid_client' },
  { name: 'revocation: client_id with U+0000 in the body', path: '/oauth/revoke', init: token(`token=abc&client_id=${NUL}&client_secret=x`), status: 401, error: 'invalid_client' },
  { name: 'token: tenant parameter with U+0000', path: '/oauth/token', init: token(`grant_type=client_credentials&client_id=a&client_secret=x&tenant=${NUL}`), status: 0 },
  { name: 'token: /t/<tenant> with U+0000', path: `/t/${NUL}/oauth/token`, init: token('grant_type=client_credentials&client_id=a&client_secret=x'), status: 0 },
  { name: 'introspection: /t/<tenant> with U+0000', path: `/t/${NUL}/oauth/introspect`, init: token('token=abc&client_id=a&client_secret=x'), status: 0 },
  { name: 'metadata: ?tenant= with U+0000', path: `/.well-known/oauth-authorization-server?tenant=${NUL}`, status: 0 },
  { name: 'JWKS: ?tenant= with U+0000', path: `/.well-known/jwks.json?tenant=${NUL}`, status: 0 },
  { name: 'JWKS: /t/<tenant> with U+0000', path: `/t/${NUL}/.well-known/jwks.json`, status: 0 },
  { name: 'admin: a tenant id with U+0000', path: `/admin/v1/tenants/${NUL}`, init: admin(), status: 404 },
  { name: 'admin: a client id with U+0000', path: `/admin/v1/tenants/default/clients/${NUL}`, init: admin(), status: 404 },
  { name: 'admin: deleting a client id with U+0000', path: `/admin/v1/tenants/default/clients/${NUL}`, init: admin('DELETE'), status: 404 },
  { name: 'admin: a user id with U+0000', path: `/admin/v1/tenants/default/users/${NUL}`, init: admin(), status: 404 },
  { name: 'admin: clients of a tenant with U+0000', path: `/admin/v1/tenants/${NUL}/clients`, init: admin(), status: 404 },
  { name: 'admin: a client with U+0000 in its attributes', path: '/admin/v1/tenants/default/clients', init: admin('POST', { id: 'c8', attributes: { note: 'a\u0000' } }), status: 400 },
  { name: 'admin: a client with an unpaired surrogate in its name', path: '/admin/v1/tenants/default/clients', init: admin('POST', { id: 'c9', name: 'x\ud800' }), status: 400 },
];

const dir = mkdtempSync(join(tmpdir(), 'tessera-unstorable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What each case answers on SQLite, which every other store must match. */
const answers = new Map<string, { status: number; error: unknown }>();

function suite(store: 'sqlite' | 'postgres', skip: string | false) {
  describe(`text no store holds, on ${store}`, { skip }, () => {
    let server: TesseraProcess & { url: string };
    let schema: TestSchema | undefined;
    let bearer: string;

    before(async () => {
      let db = join(dir, 'tessera.db');
      if (store === 'postgres') {
        schema = await createTestSchema();
        db = schema.url;
      }
      const adminSecret = (JSON.parse((await runCli(['init', '--db', db])).stdout) as { clientSecret: string }).clientSecret;
      server = await startServe(['--db', db], { TESSERA_LOG_LEVEL: 'info' });
      const res = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: { ...FORM, authorization: basic('admin', adminSecret) }, body: 'grant_type=client_credentials&scope=admin' });
      bearer = ((await res.json()) as { access_token: string }).access_token;
    });
    after(async () => {
      await server?.stop();
      await schema?.drop();
    });

    for (const c of CASES) {
      it(`${c.name}: answers 4xx, as every store does`, async () => {
        const res = await fetch(server.url + c.path, c.init?.(bearer) ?? {});
        const text = await res.text();
        assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${text}`);
        const error = res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as { error?: string }).error : undefined;
        if (c.status !== 0) assert.equal(res.status, c.status, text);
        if (c.error !== undefined) assert.equal(error, c.error, text);
        if (store === 'sqlite') answers.set(c.name, { status: res.status, error });
        else if (answers.has(c.name)) assert.deepEqual({ status: res.status, error }, answers.get(c.name), 'the same answer as on SQLite');
      });
    }

    it('logs no error line for any of them', async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const errors = server.lines.filter((l) => (l.level as number) >= 50);
      assert.deepEqual(errors.map((l) => `${l.msg} ${String(l.err ?? '')}`), []);
    });
  });
}

suite('sqlite', false);
suite('postgres', postgresSkip('the unstorable-text server tests on PostgreSQL'));
