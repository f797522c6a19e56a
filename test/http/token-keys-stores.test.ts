/**
 * Time-ordered opaque tokens in every store: issued, introspected, revoked
 * and rotated end to end; tokens of the earlier format (stored under their
 * plain SHA-256) still honoured; and the database itself keeping the keys
 * in issuance order (PostgreSQL's collation included).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../../src/core/crypto/random.ts';
import type { TokenRecord } from '../../src/core/model.ts';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { adminQuery, openTestPostgresStore, postgresSkip } from '../helpers/postgres.ts';
import { FORM, injectableApp, issueToken } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Backend {
  name: string;
  skip: string | false;
  open(): Promise<{ store: Store; storedKeys?: () => Promise<string[]> }>;
}

const backends: Backend[] = [
  { name: 'memory', skip: false, open: async () => ({ store: createMemoryStore() }) },
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const path = join(dir, `keys-${n++}.db`);
      const store = openSqliteStore({ path });
      const storedKeys = async () => {
        await store.tokens.findToken(''); // writes any queued group commit first
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          return (db.prepare('SELECT hash FROM tokens ORDER BY hash').all() as { hash: string }[]).map((r) => r.hash);
        } finally {
          db.close();
        }
      };
      return { store, storedKeys };
    },
  },
  {
    name: 'postgres',
    skip: postgresSkip('time-ordered token keys on PostgreSQL'),
    open: async () => {
      const store = await openTestPostgresStore();
      const storedKeys = async () => (await adminQuery(`SELECT hash FROM ${store.schema.name}.tokens ORDER BY hash`)).rows.map((r) => r.hash as string);
      return { store, storedKeys };
    },
  },
];

for (const backend of backends) {
  describe(`opaque token keys: ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestTessera;
    let app: FastifyInstance;
    let storedKeys: (() => Promise<string[]>) | undefined;
    let rs: string;
    let svc: string;
    let aliceId: string;

    beforeEach(async () => {
      const opened = await backend.open();
      storedKeys = opened.storedKeys;
      t = await createTestTessera({ store: opened.store });
      app = await injectableApp(t);
      rs = basic('rs', await addClient(t, { id: 'rs' }));
      svc = basic('svc', await addClient(t, { id: 'svc', scopes: ['read'] }));
      await addClient(t, { id: 'mobile', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read'] });
      aliceId = (await addUser(t, { username: 'alice', password: 'right password' })).id;
    });
    afterEach(async () => {
      await app.close();
      await t.store.close();
    });

    const post = (url: string, payload: string, authorization?: string) =>
      app.inject({ method: 'POST', url, headers: authorization === undefined ? FORM : { ...FORM, authorization }, payload });
    const introspect = async (token: string) => (await post('/oauth/introspect', `token=${encodeURIComponent(token)}`, rs)).json();
    const refresh = (token: string) => post('/oauth/token', `grant_type=refresh_token&client_id=mobile&refresh_token=${encodeURIComponent(token)}`);

    it('introspects and revokes a new-format access token', async () => {
      const token = await issueToken(app, svc);
      assert.match(token, /^tat_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
      assert.equal((await introspect(token)).active, true);
      assert.equal((await post('/oauth/revoke', `token=${encodeURIComponent(token)}`, svc)).statusCode, 200);
      assert.equal((await introspect(token)).active, false);
      assert.equal((await t.store.tokens.findToken(tokenStorageKey(token)))?.revokedAt, t.time.now);
    });

    it('rotates new-format refresh tokens and detects their reuse', async () => {
      const login = (await post('/oauth/token', 'grant_type=password&client_id=mobile&username=alice&password=right%20password')).json();
      assert.match(login.refresh_token, /^trt_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
      t.time.advance(1000);
      const rotated = await refresh(login.refresh_token);
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.equal((await introspect(rotated.json().access_token)).active, true);
      t.time.advance(3600_000);
      assert.equal((await refresh(login.refresh_token)).statusCode, 400, 'the used token comes back: refused');
      assert.equal((await introspect(rotated.json().refresh_token)).active, false, 'and its family is revoked');
    });

    it('still honours tokens of the earlier format, stored under their plain SHA-256', async () => {
      const access = randomToken('tat_');
      const refreshToken = randomToken('trt_');
      const base = { tenantId: 'default', scope: ['read'], accounts: [], issuedAt: t.time.now, revokedAt: null };
      const records: TokenRecord[] = [
        { ...base, hash: sha256(access), kind: 'access', clientId: 'svc', subject: 'svc', expiresAt: t.time.now + 3600_000, familyId: null, username: null },
        {
          ...base, hash: sha256(refreshToken), kind: 'refresh', clientId: 'mobile', subject: aliceId,
          expiresAt: t.time.now + 86_400_000, familyId: 'old-family', username: 'alice',
        },
      ];
      for (const record of records) await t.store.tokens.saveToken(record);

      const described = await introspect(access);
      assert.deepEqual([described.active, described.client_id, described.scope], [true, 'svc', 'read']);
      assert.equal((await post('/oauth/revoke', `token=${encodeURIComponent(access)}`, svc)).statusCode, 200);
      assert.equal((await introspect(access)).active, false);

      const rotated = await refresh(refreshToken);
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.match(rotated.json().refresh_token, /^trt_[0-9a-f]{12}/, 'rotation hands out a token of the new format');
      assert.equal((await t.store.tokens.findToken(sha256(refreshToken)))?.revokedAt, t.time.now, 'the old one is spent');
    });

    it('finds nothing, and fails nothing, for malformed tokens', async () => {
      const genuine = await issueToken(app, svc);
      for (const token of ['tat_', 'trt_', `${genuine}x`, genuine.slice(0, -1), `tat_zzzzzzzzzzzz${genuine.slice(16)}`, `tat_${'0'.repeat(12)}${genuine.slice(16)}`]) {
        assert.equal((await introspect(token)).active, false, token);
        assert.equal((await post('/oauth/revoke', `token=${encodeURIComponent(token)}`, svc)).statusCode, 200, token);
        assert.equal((await refresh(token)).json().error, 'invalid_grant', token);
      }
      // An empty token is a missing parameter, refused as such rather than looked up.
      assert.equal((await post('/oauth/introspect', 'token=', rs)).statusCode, 400);
      assert.equal((await refresh('')).json().error, 'invalid_request');
      assert.equal((await introspect(genuine)).active, true, 'the genuine token is untouched');
    });

    // The memory store keeps no order to check.
    if (backend.name !== 'memory') it('keeps keys in issuance order in the database', async () => {
      const issued: string[] = [];
      for (const step of [0, 1, 1, 14, 240, 3840, 1, 61_440]) {
        t.time.advance(step);
        issued.push(await issueToken(app, svc));
      }
      const keys = await storedKeys!();
      assert.deepEqual(keys, issued.map(tokenStorageKey));
    });
  });
}
