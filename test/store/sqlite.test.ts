import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { DEFAULT_LOGIN_POLICY } from '../../src/core/login-policy.ts';
import { DEFAULT_JWT_PROFILE } from '../../src/core/tokens/jwt-profile.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite/index.ts';
import { migrateSqlite } from '../../src/store/sqlite/migrate.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { REVOKE_SUBJECT_SQL } from '../../src/store/sqlite/tokens.ts';
import { generateSigningKey } from '../../src/core/tokens/signing-keys.ts';
import { AUDITED, storeContract, tenant } from '../../src/store/contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite', async () => openSqliteStore({ path: join(dir, `contract-${n++}.db`) }));

describe('sqlite store', () => {
  it("indexes logins, not client-credentials tokens, for the subject revocation, which still searches the index", async () => {
    const path = join(dir, `subject-index-${n++}.db`);
    const store = openSqliteStore({ path });
    await store.close();
    const db = new DatabaseSync(path);
    const insert = db.prepare(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at, username)
      VALUES (?, 'access', 't1', 'c1', ?, '', '[]', 1, 2, ?)`);
    insert.run('machine', 'c1', null);
    insert.run('login', 'u1', 'alice');
    const indexed = db.prepare('SELECT hash FROM tokens INDEXED BY tokens_by_subject WHERE (username IS NOT NULL OR subject <> client_id)').all();
    assert.deepEqual(indexed.map((r) => r.hash), ['login']);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${REVOKE_SUBJECT_SQL}`)
      .all({ at: 1, tenant: 't1', client: 'c1', subject: 'u1', except: 'f1' })
      .map((r) => String(r.detail));
    assert.ok(plan.some((d) => d.includes('USING INDEX tokens_by_subject')), plan.join('; '));
    db.close();
  });

  it('creates and migrates a new file in WAL mode, recording the schema version', async () => {
    const path = join(dir, 'fresh.db');
    const store = openSqliteStore({ path });
    assert.equal(store.schemaVersion, SQLITE_MIGRATIONS.length);
    await store.close();
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((r) => r.version);
    assert.deepEqual(versions, SQLITE_MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('keeps data across reopening and applies no migration twice', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteStore({ path });
    await first.tenants.createTenant(tenant('kept'), AUDITED);
    await first.close();
    const second = openSqliteStore({ path });
    assert.equal((await second.tenants.getTenant('kept'))?.id, 'kept');
    await second.close();
  });

  it('refuses a database whose schema is newer than this build', async () => {
    const path = join(dir, 'future.db');
    await openSqliteStore({ path }).close();
    const db = new DatabaseSync(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', 0);
    db.close();
    assert.throws(() => openSqliteStore({ path }), /schema version 999 is newer/);
  });

  it('migrates a version 1 key to generation 1, signing since its creation, and then accepts a second generation', async () => {
    const path = join(dir, 'v1-key.db');
    const db = new DatabaseSync(path);
    migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 1), 0);
    db.prepare("INSERT INTO tenants VALUES ('t1', 'https://t1.test', 'ES256', 3600, 0, 0)").run();
    const old = await generateSigningKey('t1', 'ES256', 1234);
    db.prepare('INSERT INTO signing_keys (kid, tenant_id, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(old.kid, 't1', 'ES256', JSON.stringify(old.privateJwk), JSON.stringify(old.publicJwk), 1234);
    db.close();

    const store = openSqliteStore({ path });
    assert.deepEqual(await store.keys.listKeys('t1'), [old]);
    const next = await generateSigningKey('t1', 'ES256', 5678, { generation: 2 });
    assert.equal((await store.keys.insertKeyGeneration(next)).kid, next.kid);
    assert.equal((await store.keys.listKeys('t1')).length, 2);
    await store.close();
  });

  it('upgrades a version 1 database: old tenants get the default login policy and JWT profile, old clients stay confidential, without attributes or claims', async () => {
    const path = join(dir, 'v1.db');
    const db = new DatabaseSync(path);
    migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 1), 0);
    db.exec(`INSERT INTO tenants VALUES ('old', 'https://old.test', 'ES256', 3600, 1, 1);
      INSERT INTO clients VALUES ('old', 'svc', 'svc', '[]', '["client_credentials"]', '[]', '[]', 'opaque', NULL, NULL, 1, 1, 1);
      INSERT INTO tokens VALUES ('h', 'access', 'old', 'svc', 'svc', '', '[]', 1, 2, NULL, NULL, NULL);`);
    db.close();
    const store = openSqliteStore({ path });
    assert.equal(store.schemaVersion, SQLITE_MIGRATIONS.length);
    assert.deepEqual((await store.tenants.getTenant('old'))?.loginPolicy, DEFAULT_LOGIN_POLICY);
    const client = await store.clients.getClient('old', 'svc');
    assert.deepEqual([client?.clientType, client?.singleActiveToken, client?.attributes, client?.claims], ['confidential', false, {}, []]);
    assert.deepEqual((await store.tenants.getTenant('old'))?.jwt, DEFAULT_JWT_PROFILE);
    assert.equal((await store.tokens.findToken('h'))?.kind, 'access');
    await store.close();
  });

  it('upgrades a version 7 database: users keep their lower-cased names, log in by any case, and keep a new name as given', async () => {
    const path = join(dir, 'v7-users.db');
    const db = new DatabaseSync(path);
    migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 7), 0);
    db.exec(`INSERT INTO tenants (id, issuer, signing_alg, access_token_lifetime, created_at, updated_at) VALUES ('t1', 'https://t1.test', 'ES256', 3600, 1, 1);
      INSERT INTO users VALUES ('t1', 'u1', 'jane.doe@example.com', 'hash', 'User', '[]', '[]', 1, 1, 1);`);
    db.close();
    const store = openSqliteStore({ path });
    const old = (await store.users.findUserByUsername('t1', 'jane.doe@example.com'))!;
    assert.equal(old.username, 'jane.doe@example.com', 'the case it was created with is gone; its normal form is shown');
    assert.equal(await store.users.updateUser({ ...old, username: 'Jane.Doe@Example.com' }, AUDITED), true);
    assert.equal((await store.users.findUserByUsername('t1', 'jane.doe@example.com'))?.username, 'Jane.Doe@Example.com');
    await store.close();
  });
});
